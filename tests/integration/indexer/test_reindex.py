"""Zero-downtime reindex and rollback on a real engine, with searches running throughout."""

import threading
import uuid
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from articles import Article
from indexer import cli
from indexer.documents import Provenance, to_action
from indexer.entities.extract import build_nlp
from indexer.entities.found import Entities
from indexer.index.lifecycle import ReindexError, ensure_index, index_stats, previous_index
from indexer.index.names import names_current
from indexer.index.reindex import reindex, rollback
from indexer.load.bulk import BulkItem, bulk_load
from tests.support import delete_indices, engine_urls

pytestmark = pytest.mark.es

PLACES = ["Yerevan", "Baku", "Tehran", "Tbilisi", "Ankara", "Moscow"]
PEOPLE = ["Nikol Pashinyan", "Ilham Aliyev", "Hassan Rouhani", "Vladimir Putin"]


@pytest.fixture(scope="module")
def nlp():
    """The real NER pipeline (about a second to load), shared by this module's tests."""
    return build_nlp()


@pytest.fixture
def alias(es: Elasticsearch) -> Iterator[str]:
    name = f"test-reindex-{uuid.uuid4().hex[:12]}"
    yield name
    delete_indices(es, name)


def article(n: int) -> Article:
    place, person = PLACES[n % len(PLACES)], PEOPLE[n % len(PEOPLE)]
    return Article(
        id=f"a{n}",
        title=f"{person} visits {place} for talks number {n}",
        body=(
            f"{person} arrived in {place} on Monday for the talks. Officials from the United "
            f"Nations joined the meeting, which lasted {n % 7 + 2} hours.\n\nThe talks will "
            "continue next month."
        ),
        source="Test Wire",
    )


def seed(es: Elasticsearch, alias: str, count: int) -> None:
    """Articles stored as an older pipeline left them: no entities, no fingerprints."""
    ensure_index(es, alias)
    actions = []
    for n in range(count):
        old = Provenance(f"a{n}", "", (), "/inbox/old.jsonl", "2020-01-01T00:00:00+00:00")
        actions.append(BulkItem(to_action(article(n), Entities(), old, index=alias), f"seed:{n}"))
    report = bulk_load(es, actions)
    assert report.ok
    es.indices.refresh(index=alias)


def test_searches_during_a_reindex_never_fail_and_never_see_a_partial_index(es, es_url, alias, nlp):
    total = 300
    seed(es, alias, total)
    old = index_stats(es, alias).indices[0]
    seen: list[tuple[int, str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    reader = Elasticsearch(engine_urls(es_url), request_timeout=30)

    def search_all_the_time() -> None:
        while not stop.is_set():
            try:
                response = reader.search(
                    index=alias, size=1, query={"match": {"body": "talks"}}, track_total_hits=True
                )
                hits = response["hits"]
                seen.append((hits["total"]["value"], hits["hits"][0]["_index"]))
            except Exception as exc:  # any failure at all is what this test looks for
                errors.append(exc)

    thread = threading.Thread(target=search_all_the_time)
    thread.start()
    try:
        swap = reindex(es, alias, nlp=nlp)
        # Keep searching a moment after the swap, so both sides of it are observed.
        searched = len(seen)
        while len(seen) < searched + 20 and thread.is_alive():
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
        reader.close()

    assert errors == []
    assert {count for count, _ in seen} == {total}
    indices = [index for _, index in seen]
    assert indices[0] == old and indices[-1] == swap.new
    # Once the alias moved, no search went back to the old index.
    assert indices[indices.index(swap.new) :] == [swap.new] * (
        len(indices) - indices.index(swap.new)
    )
    assert len(seen) > 50


def test_reindex_reruns_entity_extraction_and_keeps_ids_and_provenance(es, alias, nlp):
    seed(es, alias, 4)
    swap = reindex(es, alias, nlp=nlp)
    assert swap.docs == 4
    doc = es.get(index=alias, id="a1")["_source"]
    assert doc["location"]  # the old index had no entities; the new pipeline found some
    assert doc["origin"] == "/inbox/old.jsonl"
    assert doc["ingested_at"] == "2020-01-01T00:00:00+00:00"
    assert len(doc["content_hash"]) == 32
    assert doc["duplicate_keys"]


def test_the_previous_index_is_kept_and_rollback_swaps_back(es, alias, nlp):
    seed(es, alias, 3)
    swap = reindex(es, alias, nlp=nlp)
    assert index_stats(es, alias).indices == (swap.new,)
    assert es.indices.exists(index=swap.old)
    assert previous_index(es, swap.new) == swap.old

    # The suggestions' names follow the alias: rebuilt from the new index, then the old again.
    assert names_current(es, alias)
    back = rollback(es, alias)
    assert (back.old, back.new, back.docs) == (swap.new, swap.old, 3)
    assert names_current(es, alias)
    assert index_stats(es, alias).indices == (swap.old,)
    # A load after the rollback writes to the index searches read.
    assert es.indices.get_alias(name=alias)[swap.old]["aliases"][alias]["is_write_index"]


def test_rollback_refuses_when_no_reindex_built_the_current_index(es, alias):
    seed(es, alias, 1)
    with pytest.raises(ReindexError, match="nothing to roll back to"):
        rollback(es, alias)


def test_reindex_of_a_missing_alias_is_refused(es, alias):
    with pytest.raises(ReindexError, match="does not exist"):
        reindex(es, alias)


def test_reindex_and_rollback_commands_print_the_swap(es, es_url, alias):
    seed(es, alias, 2)
    old = index_stats(es, alias).indices[0]
    runner = CliRunner()
    result = runner.invoke(
        cli.main, ["--es-url", es_url, "--index", alias, "reindex", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    new = index_stats(es, alias).indices[0]
    assert "reindexed 2 articles" in result.output
    assert f"alias {alias} -> {new}; previous index {old} kept for `rollback`" in result.output

    result = runner.invoke(cli.main, ["--es-url", es_url, "--index", alias, "rollback"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"alias {alias} -> {old} (2 articles); {new} kept")
