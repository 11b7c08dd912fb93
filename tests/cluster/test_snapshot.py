"""Backups: a snapshot taken with `python -m indexer snapshot`, the indices deleted, and
`python -m indexer restore` bringing back the same articles and the same search results."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from indexer.cli import main
from search import create_app
from search.config import Settings
from tests.cluster.disruption import LocalCluster
from tests.cluster.news import QUERIES, assert_every_document, load_news
from tests.support import delete_indices

pytestmark = [pytest.mark.es, pytest.mark.cluster]

# Searches as people send them: words, a phrase, an exclusion, a sort, a second page, a date
# range, and suggestions (read from the names index too).
PATHS = [
    *(f"/api/search?q={q}" for q in QUERIES),
    '/api/search?q="prime minister"',
    "/api/search?q=police -election&sort=newest",
    "/api/search?q=government&page=2",
    "/api/search?q=&from=2000-01-01&to=2030-12-31&sort=oldest",
    "/api/suggest?q=pre",
    "/api/suggest?q=gov",
]


def answers(web: FlaskClient) -> dict[str, Any]:
    """Every path's JSON answer, without the time it took."""
    found = {}
    for path in PATHS:
        answer = web.get(path)
        assert answer.status_code == 200, (path, answer.get_data(as_text=True))
        body = answer.get_json()
        body.pop("took_ms", None)
        found[path] = body
    return found


def test_a_deleted_index_is_restored_with_the_same_articles_and_search_results(
    cluster: LocalCluster, cluster_alias: Callable[[], str]
) -> None:
    es = cluster.client
    alias = cluster_alias()
    # A repository of this test's own, in a folder of its own under the cluster's path.repo.
    repository = f"test-{uuid.uuid4().hex[:12]}"
    cli = ["--es-url", cluster.es_url, "--index", alias]
    where = ["--repository", repository, "--location", repository]
    runner = CliRunner()
    try:
        ids = load_news(es, alias)
        cluster.wait_green()
        web = create_app(Settings(es_url=cluster.es_url, index_alias=alias)).test_client()
        before = answers(web)
        assert before[f"/api/search?q={QUERIES[0]}"]["total"] > 0

        taken = runner.invoke(main, [*cli, "snapshot", *where])
        assert taken.exit_code == 0, taken.output
        assert f"{alias} -> " in taken.output and f"{alias}.names -> " in taken.output

        deleted = delete_indices(es, alias)
        assert len(deleted) == 2  # the articles and their names
        gone = web.get(f"/api/search?q={QUERIES[0]}")
        assert gone.status_code == 503
        assert gone.get_json()["error"]["code"] == "index_not_ready"

        restored = runner.invoke(main, [*cli, "restore", *where])
        assert restored.exit_code == 0, restored.output
        assert f"restored {alias}-" in restored.output
        assert f"{len(ids)} articles" in restored.output
        # The names index came back current with its articles: no sync was needed.
        assert "synced" not in restored.output

        assert answers(web) == before
        assert_every_document(cluster, alias, ids)
        listed = runner.invoke(main, [*cli, "snapshots", "--repository", repository])
        assert listed.exit_code == 0 and "SUCCESS" in listed.output
    finally:
        delete_indices(es, alias)
        es.options(ignore_status=404).snapshot.delete(repository=repository, snapshot="*")
        es.options(ignore_status=404).snapshot.delete_repository(name=repository)
