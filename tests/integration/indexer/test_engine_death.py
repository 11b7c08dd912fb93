"""An engine killed in the middle of a load: running the same command again finishes the job."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from engine import EngineError, NodeConfig, start, stop
from tests.support import delete_indices, free_port

pytestmark = [pytest.mark.es, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[3]
CORPUS_FILE = REPO.parent / "shared" / "corpus" / "news-0001.jsonl"
# A node of its own, so killing it disturbs no other test or benchmark. Its ports are free ones
# picked once per run (a fixed offset from ES_PORT can land on another node's transport port,
# 9300-9399), and its folder is named after the main node's port, so checkouts tested side by
# side never share it.
MAIN = NodeConfig.from_env()
ARTICLES = 600


def required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_ES") == "1"


@pytest.fixture(scope="module")
def node() -> Iterator[NodeConfig]:
    """A second local node on free ports (same distribution and plugin), stopped afterwards."""
    cfg = NodeConfig(
        port=free_port(),
        transport_port=free_port(),
        name=f"death-test-{MAIN.port}",
        root=MAIN.root,
    )
    try:
        start(cfg)
    except (EngineError, OSError) as exc:
        if required():
            pytest.fail(f"could not start a second node: {exc}")
        pytest.skip(f"could not start a second node: {exc}")
    yield cfg
    stop(cfg)


def kill_hard(cfg: NodeConfig) -> None:
    """SIGKILL the node's whole process group, as a crash or the OOM killer would."""
    pid = int(cfg.pid_file.read_text())
    os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)  # reap it if this process launched it
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", cfg.port)) != 0:
                return
        time.sleep(0.2)
    raise AssertionError("the killed node still answers")


def write_input(path: Path) -> list[str]:
    """Real news articles in a JSON Lines file; returns their ids."""
    if CORPUS_FILE.exists():
        with CORPUS_FILE.open(encoding="utf-8") as corpus:
            lines = [next(corpus) for _ in range(ARTICLES)]
    else:  # without the shared corpus: long enough articles of our own
        body = "Officials in Yerevan and Baku met United Nations envoys on Monday. " * 30
        lines = [
            json.dumps({"id": f"n{n}", "title": f"Talks in Yerevan, day {n}", "body": body}) + "\n"
            for n in range(ARTICLES)
        ]
    path.write_text("".join(lines), encoding="utf-8")
    return [json.loads(line)["id"] for line in lines]


def test_a_load_killed_with_the_engine_is_finished_by_running_it_again(node, tmp_path):
    alias = f"test-death-{uuid.uuid4().hex[:12]}"
    source = tmp_path / "news.jsonl"
    ids = write_input(source)
    # Small requests, so that the engine dies between acknowledged requests and in the middle
    # of one; few retries, so that the first run gives up quickly once the engine is gone.
    command = [
        sys.executable, "-m", "indexer", "--es-url", node.url, "--index", alias,
        "load", "--workers", "2", "--batch-size", "25", "--retries", "2", str(source),
    ]  # fmt: skip
    client = Elasticsearch(node.url, request_timeout=10)
    try:
        first = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            _wait_for_documents(client, alias, at_least=100, process=first)
            kill_hard(node)
            output, _ = first.communicate(timeout=300)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        assert first.returncode == 1, output
        assert "ABORTED:" in output
        assert "run the same command again to finish" in output

        start(node)
        again = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False
        )
        assert again.returncode == 0, again.stdout + again.stderr
        summary = again.stdout.strip().splitlines()[-1]
        added = int(summary.split("added ")[1].split(",")[0])
        unchanged = int(summary.split("unchanged ")[1].split(",")[0])
        # What the dead engine had acknowledged was kept and skipped, not written twice.
        assert unchanged >= 100
        assert added + unchanged == ARTICLES
        assert "updated 0" in summary and "failed 0" in summary

        client.indices.refresh(index=alias)
        stored = [hit["_id"] for hit in scan(client, index=alias, _source=False)]
        assert len(stored) == ARTICLES  # no duplicates
        assert sorted(stored) == sorted(ids)  # no loss
        assert client.count(index=alias)["count"] == ARTICLES
    finally:
        try:
            delete_indices(client, alias)
        finally:
            client.close()


def _wait_for_documents(
    client: Elasticsearch, alias: str, *, at_least: int, process: subprocess.Popen[str]
) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output, _ = process.communicate()
            raise AssertionError(f"the load ended before the engine was killed:\n{output}")
        try:
            if client.indices.exists_alias(name=alias):
                client.indices.refresh(index=alias)
                if client.count(index=alias)["count"] >= at_least:
                    return
        except Exception:
            pass  # the index is being created
        time.sleep(0.2)
    raise AssertionError(f"fewer than {at_least} documents arrived in time")
