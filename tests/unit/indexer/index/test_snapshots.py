"""What the backups decide without an engine: which snapshot to restore, what each one holds,
and which indices a snapshot keeps (tests/cluster/test_snapshot.py runs them for real)."""

from __future__ import annotations

import pytest

from articles import data_aliases, index_body, names_alias
from articles.alerts import alerts_alias, matches_alias
from indexer.index.snapshots import Snapshot, SnapshotError, choose_snapshot


def snapshot(name: str, state: str = "SUCCESS", started: str = "2026-11-30") -> Snapshot:
    return Snapshot(name, state, started, "news", {"news": f"{name}-index"}, 0)


def test_a_snapshot_is_read_from_the_engines_listing() -> None:
    info = {
        "snapshot": "news-1",
        "state": "PARTIAL",
        "start_time": "2026-11-30T01:00:00.000Z",
        "metadata": {"alias": "news", "aliases": {"news.names": "nn-1", "news": "n-1"}},
        "shards": {"total": 2, "failed": 1, "successful": 1},
    }
    assert Snapshot.from_info(info) == Snapshot(
        "news-1",
        "PARTIAL",
        "2026-11-30T01:00:00.000Z",
        "news",
        {"news.names": "nn-1", "news": "n-1"},
        1,
    )


def test_a_snapshot_taken_by_hand_holds_no_alias_of_ours() -> None:
    bare = Snapshot.from_info({"snapshot": "by-hand", "state": "SUCCESS"})
    assert (bare.alias, bare.aliases, bare.shards_failed) == (None, {}, 0)


def test_restore_takes_the_newest_complete_snapshot_unless_one_is_named() -> None:
    old, newer, partial = (
        snapshot("a", started="1"),
        snapshot("b", started="2"),
        snapshot("c", state="PARTIAL", started="3"),
    )
    listed = [old, newer, partial]
    assert choose_snapshot(listed, "news", None) == newer
    assert choose_snapshot(listed, "news", "a") == old
    with pytest.raises(SnapshotError, match="no snapshot 'z' of 'news'"):
        choose_snapshot(listed, "news", "z")
    with pytest.raises(SnapshotError, match="holds no complete snapshot of 'news'"):
        choose_snapshot([partial], "news", None)


def test_a_snapshot_keeps_the_articles_first_then_their_names() -> None:
    assert data_aliases("news") == (
        "news",
        names_alias("news"),
        alerts_alias("news"),
        matches_alias("news"),
    )


def test_every_index_is_replicated_when_a_second_node_exists() -> None:
    settings = index_body()["settings"]
    assert settings["auto_expand_replicas"] == "0-1"
    assert settings["number_of_shards"] == 1
    assert "number_of_replicas" not in settings  # auto_expand_replicas sets it


def test_a_callers_change_to_the_index_body_stays_its_own() -> None:
    # reindex turns refreshes off in its copy; the next index must not inherit that.
    index_body()["settings"]["refresh_interval"] = "-1"
    assert "refresh_interval" not in index_body()["settings"]
