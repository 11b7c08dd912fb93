"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

from click.testing import CliRunner, Result
from elasticsearch import Elasticsearch

from indexer.index.lifecycle import delete_all


def delete_indices(es: Elasticsearch, alias: str) -> list[str]:
    """Every index of an alias and of its companions (names, saved searches, their matches),
    deleted after a test (by name: the engine refuses wildcard deletes)."""
    return delete_all(es, alias)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def load_cli(es_url: str, alias: str, *args: object) -> Result:
    """`python -m indexer --es-url ES_URL --index ALIAS load ARGS...`, run in this process."""
    from indexer import cli  # late: the search side's tests need no NLP stack imported

    return CliRunner().invoke(
        cli.main, ["--es-url", es_url, "--index", alias, "load", *map(str, args)]
    )


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    """A JSON Lines file of `records`."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def engine_urls(es_url: str) -> list[str]:
    """The URLs of ES_URL: one, or every node of a cluster, comma-separated."""
    return [url.strip() for url in es_url.split(",") if url.strip()]


def wait_for_documents(
    client: Elasticsearch, alias: str, *, at_least: int, process: subprocess.Popen[str]
) -> None:
    """Wait until a load running in `process` has made `at_least` documents searchable."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output, _ = process.communicate()
            raise AssertionError(f"the load ended before the engine was disrupted:\n{output}")
        try:
            if client.indices.exists_alias(name=alias):
                client.indices.refresh(index=alias)
                if client.count(index=alias)["count"] >= at_least:
                    return
        except Exception:
            pass  # the index is being created
        time.sleep(0.2)
    raise AssertionError(f"fewer than {at_least} documents arrived in time")


__all__ = [
    "delete_indices",
    "engine_urls",
    "free_port",
    "load_cli",
    "wait_for_documents",
    "write_jsonl",
]
