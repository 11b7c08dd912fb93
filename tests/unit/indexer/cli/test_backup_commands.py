"""`snapshot`, `snapshots` and `restore`, with the engine work replaced (flaskr's test_db.py habit);
tests/cluster/test_snapshot.py runs them for real."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from indexer import cli
from indexer.cli import backup
from indexer.cli.common import Context
from indexer.index.snapshots import Restored, Snapshot, SnapshotError

SNAP = Snapshot(
    name="news-20261130t010000000000",
    state="SUCCESS",
    started="2026-11-30T01:00:00.000Z",
    alias="news",
    # The engine hands metadata back in any order; the commands print the articles first.
    aliases={"news.names": "news.names-1", "news": "news-1"},
    shards_failed=0,
)


def test_snapshot_names_each_alias_and_the_index_it_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def take(client: Elasticsearch, alias: str, **kwargs: Any) -> Snapshot:
        calls.append({"alias": alias, **kwargs})
        return SNAP

    monkeypatch.setattr(backup, "take_snapshot", take)
    result = CliRunner().invoke(
        cli.main, ["--index", "news", "snapshot", "--repository", "r", "--location", "/b"]
    )
    assert result.exit_code == 0, result.output
    assert calls == [{"alias": "news", "repository": "r", "location": "/b", "name": None}]
    assert result.output == (
        "snapshot news-20261130t010000000000 in r: news -> news-1, news.names -> news.names-1\n"
    )


def test_restore_reports_every_alias_swap_and_the_articles_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def restore(client: Elasticsearch, alias: str, **kwargs: Any) -> Restored:
        assert kwargs == {"repository": "news-search", "location": "news-search", "name": None}
        return Restored(
            SNAP.name, {"news": ("news-0", "news-2"), "news.names": (None, "news.names-2")}, 12, 3.2
        )

    monkeypatch.setattr(backup, "restore_snapshot", restore)
    result = CliRunner().invoke(cli.main, ["--index", "news", "restore"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "alias news -> news-2 (news-0 kept)",
        "alias news.names -> news.names-2",
        f"restored {SNAP.name}: 12 articles in 3.2s",
    ]


def test_snapshots_lists_them_oldest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "list_snapshots", lambda client, alias, repository: [SNAP])
    result = CliRunner().invoke(cli.main, ["--index", "news", "snapshots"])
    assert result.exit_code == 0
    assert result.output == f"{SNAP.name}  SUCCESS  {SNAP.started}  news-1, news.names-1\n"


def test_a_failed_snapshot_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(client: Elasticsearch, alias: str, **kwargs: Any) -> Snapshot:
        raise SnapshotError("snapshot x ended PARTIAL with 1 failed shards")

    monkeypatch.setattr(backup, "take_snapshot", fail)
    result = CliRunner().invoke(cli.main, ["snapshot"])
    assert result.exit_code == 1
    assert result.output == "Error: snapshot x ended PARTIAL with 1 failed shards\n"


def test_an_unreachable_engine_is_a_one_line_error() -> None:
    result = CliRunner().invoke(cli.main, ["--es-url", "http://127.0.0.1:9", "restore"])
    assert result.exit_code == 1
    assert "cannot reach Elasticsearch at http://127.0.0.1:9" in result.output


def test_several_engine_urls_are_the_nodes_of_one_client() -> None:
    context = Context("http://a:9200, http://b:9201,", None, "news", 60.0)
    client = context.client()
    try:
        nodes = sorted(node.base_url for node in client.transport.node_pool.all())
        assert nodes == ["http://a:9200", "http://b:9201"]
        assert client._max_retries == 3
        assert client._retry_on_timeout is True
    finally:
        client.close()
