"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from click.testing import CliRunner, Result
from elasticsearch import Elasticsearch

from articles.alerts import alerts_alias, matches_alias, versioned_name
from indexer.index.lifecycle import delete_all


def delete_indices(es: Elasticsearch, alias: str) -> list[str]:
    """Every index of an alias, of its names index, and of its saved searches and their
    matches, deleted after a test (by name: the engine refuses wildcard deletes)."""
    deleted = delete_all(es, alias)
    alerts = [versioned_name(alerts_alias(alias)), versioned_name(matches_alias(alias))]
    es.indices.delete(index=alerts, ignore_unavailable=True)
    return deleted


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


__all__ = ["delete_indices", "load_cli", "write_jsonl"]
