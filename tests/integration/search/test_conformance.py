"""The API answers what its OpenAPI document says: schemathesis, every check, on gunicorn.

The app runs as `make run` serves it (gunicorn, whose request-line limit the document
declares) over the sample articles; schemathesis (pinned in requirements-dev.txt) reads the
served document and runs all its phases with a fixed seed and a bounded number of examples per
operation. Every check is on; none is excluded. Its configuration (schemathesis.toml beside this
file) and hooks (conformance_hooks.py) say why they exist.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.es, pytest.mark.slow]

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SEED = 20261129
# Per operation and phase; about 3,500 requests in all, two to three minutes here.
MAX_EXAMPLES = 100
SERVER_WAIT_S = 30.0
APP = "search:create_app()"
RUN_TIMEOUT_S = 600
# Writes (saved searches) need the key: the service is given one and schemathesis sends it, and
# checks (ignored_auth) that the secured operations refuse requests without it.
API_KEY = "conformance-key-0123456789"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(es_url: str, loaded_alias: str, tmp_path: Path) -> Iterator[str]:
    """The app under gunicorn on a free loopback port, over the sample articles."""
    url = f"http://127.0.0.1:{_free_port()}"
    # The run checks the contract, not the engine's speed: on a loaded machine a search can pass
    # the default 3 s, and the 503 that follows (documented, but a 5xx) would fail the run.
    env = {
        **os.environ,
        "ES_URL": es_url,
        "INDEX_ALIAS": loaded_alias,
        "API_KEY": API_KEY,
        "ES_TIMEOUT": "30",
    }
    with (tmp_path / "gunicorn.log").open("wb") as log:
        server = subprocess.Popen(
            # The serving model `make serve` uses: threaded workers (gunicorn.conf.py).
            [
                str(BIN / "gunicorn"),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                url.removeprefix("http://"),
                APP,
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + SERVER_WAIT_S
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(
                            "gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text()
                        )
                    time.sleep(0.2)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_the_api_answers_what_its_openapi_document_says(served: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "SCHEMATHESIS_HOOKS": "tests.integration.search.conformance_hooks",
    }
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "--no-color",
        "run",
        f"{served}/api/openapi.json",
        "--checks",
        "all",
        "--header",
        f"X-API-Key: {API_KEY}",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "2",
        "--generation-database",
        "none",
    ]
    run = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    report = run.stdout[-30_000:] + run.stderr[-5_000:]
    assert run.returncode == 0, report
    # Every operation of the document ran (none skipped by a filter), and nothing failed.
    assert re.search(r"Operations:\s+(\d+) selected / \1 total", run.stdout), report
    assert " passed" in run.stdout and "failure" not in run.stdout, report
