"""The suggestions' names index on a real engine: synced with the facets, on change only."""

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from articles import Article, name_source, names_alias
from indexer import cli
from indexer.documents import to_action
from indexer.entities.found import Entities
from indexer.index import names
from indexer.index.lifecycle import ensure_index
from indexer.index.names import NamesError, names_current, sync_names
from indexer.load.bulk import BulkItem, bulk_load
from indexer.load.fingerprint import provenance_of
from search.pages import run_suggest
from tests.support import delete_indices

pytestmark = pytest.mark.es


@pytest.fixture
def alias(es: Elasticsearch) -> Iterator[str]:
    name = f"test-names-{uuid.uuid4().hex[:12]}"
    yield name
    delete_indices(es, name)


def store(es: Elasticsearch, alias: str, *articles: tuple[str, Entities], minute: int = 0) -> None:
    """Articles as a load writes them (title, entities, change tracking), refreshed.

    Each is stamped a second after the one before, from `minute` (later loads: a later minute).
    """
    ensure_index(es, alias)
    actions = []
    for n, (title, entities) in enumerate(articles):
        article = Article(id=title, title=title, body=f"Body {n}.")
        stamp = f"2026-01-01T00:{minute:02d}:{n:02d}+00:00"
        provenance = provenance_of(article, ingested_at=stamp)
        actions.append(BulkItem(to_action(article, entities, provenance, index=alias), title))
    assert bulk_load(es, actions).ok
    es.indices.refresh(index=alias)


def stored_names(es: Elasticsearch, alias: str) -> dict[str, dict[str, Any]]:
    hits = es.search(index=names_alias(alias), size=100)["hits"]["hits"]
    return {hit["_id"]: hit["_source"] for hit in hits}


def names_indices(es: Elasticsearch, alias: str) -> list[str]:
    return sorted(es.indices.get(index=f"{names_alias(alias)}-*", ignore_unavailable=True))


def test_each_facet_value_is_one_name_weighted_by_its_articles(es, alias):
    store(
        es,
        alias,
        ("One", Entities(person=("Ali Khamenei",), location=("Iran", "Baku"))),
        ("Two", Entities(person=("Ali Khamenei",), location=("Iran",))),
        ("Three", Entities(organization=("OSCE",), location=("Iran",))),
    )
    synced = sync_names(es, alias)
    assert (synced.written, synced.deleted) == (4, 0)
    found = stored_names(es, alias)
    assert {(n["kind"], n["name"], n["articles"]) for n in found.values()} == {
        ("person", "Ali Khamenei", 2),
        ("location", "Iran", 3),
        ("location", "Baku", 1),
        ("organization", "OSCE", 1),
    }
    assert found["person\x1fAli Khamenei"]["suggest"] == {
        "input": ["Ali Khamenei", "Khamenei → Ali Khamenei"],
        "weight": 2,
        "contexts": {"kind": ["person"]},
    }
    assert len(names_indices(es, alias)) == 1


def test_suggestions_rank_names_by_how_many_articles_carry_them(es, alias):
    store(
        es,
        alias,
        ("One", Entities(location=("Iraq",))),
        ("Two", Entities(location=("Iraq",))),
        ("Three", Entities(location=("Iraq", "Iran"))),
    )
    sync_names(es, alias)
    assert [s.text for s in run_suggest(es, "ira", alias) if s.kind == "location"] == [
        "Iraq",
        "Iran",
    ]
    # Iran overtakes Iraq: the order follows the counts, not the alphabet.
    store(es, alias, *[(f"More {n}", Entities(location=("Iran",))) for n in range(3)])
    sync_names(es, alias)
    assert [s.text for s in run_suggest(es, "ira", alias) if s.kind == "location"] == [
        "Iran",
        "Iraq",
    ]


def test_without_a_names_index_titles_are_still_suggested(es, alias):
    store(es, alias, ("Iran opens a consulate", Entities(location=("Iran",))))
    found = run_suggest(es, "iran", alias)
    assert [(s.kind, s.text) for s in found] == [("title", "Iran opens a consulate")]


def test_a_sync_writes_only_what_changed(es, alias):
    store(
        es,
        alias,
        ("One", Entities(person=("Nikol Pashinyan",), location=("Yerevan",))),
        ("Two", Entities(person=("Ilham Aliyev",), location=("Baku",))),
    )
    sync_names(es, alias)
    index = names_indices(es, alias)
    # One more article on Yerevan, and Baku's only article now names no place.
    store(
        es,
        alias,
        ("Three", Entities(location=("Yerevan",), organization=("OSCE",))),
        ("Two", Entities(person=("Ilham Aliyev",))),
    )
    synced = sync_names(es, alias)
    assert (synced.written, synced.deleted) == (2, 1)  # Yerevan recounted, OSCE new; Baku gone
    assert {(n["name"], n["articles"]) for n in stored_names(es, alias).values()} == {
        ("Nikol Pashinyan", 1),
        ("Ilham Aliyev", 1),
        ("Yerevan", 2),
        ("OSCE", 1),
    }
    assert names_indices(es, alias) == index  # updated in place
    assert (sync_names(es, alias).written, sync_names(es, alias).deleted) == (0, 0)


def names_match_the_articles(es: Elasticsearch, alias: str) -> bool:
    """Whether a full sync would change nothing: every name with its true count, no other."""
    return all(
        not list(
            names.name_changes(
                names.facet_counts(es, alias, kind),
                names.stored_counts(es, names_alias(alias), kind),
            )
        )
        for kind in ("person", "organization", "location")
    )


def test_after_articles_are_only_added_only_their_names_are_recounted(es, alias):
    store(
        es,
        alias,
        *[(f"Old {n}", Entities(person=(f"Person {n}",), location=("Yerevan",))) for n in range(9)],
        ("Baku", Entities(location=("Baku",))),
    )
    assert sync_names(es, alias).full
    store(
        es,
        alias,
        ("New", Entities(person=("Nikol Pashinyan",), location=("Yerevan",))),
        ("Newer", Entities(organization=("OSCE",), location=("Yerevan",))),
        minute=1,
    )
    synced = sync_names(es, alias)
    assert not synced.full
    # Yerevan recounted; Pashinyan and the OSCE new. The nine people and Baku are not read.
    assert (synced.written, synced.deleted) == (3, 0)
    assert {(n["name"], n["articles"]) for n in stored_names(es, alias).values()} >= {
        ("Yerevan", 11),
        ("Nikol Pashinyan", 1),
        ("OSCE", 1),
        ("Baku", 1),
    }
    assert names_match_the_articles(es, alias)
    assert names_current(es, alias)
    again = sync_names(es, alias)  # nothing new: nothing recounted
    assert (again.written, again.deleted, again.full) == (0, 0, False)


def test_an_update_or_a_prune_since_the_sync_makes_it_a_full_sync(es, alias):
    many = [(f"Old {n}", Entities(location=("Yerevan",))) for n in range(8)]
    store(es, alias, *many, ("Baku", Entities(location=("Baku",))), ("Tbilisi", Entities()))
    sync_names(es, alias)
    # Restamped later: an update. Baku's only article now names no place; Ganja is new.
    store(es, alias, ("Baku", Entities(location=("Ganja",))), minute=1)
    synced = sync_names(es, alias)
    assert synced.full
    assert (synced.written, synced.deleted) == (1, 1)
    assert names_match_the_articles(es, alias)
    es.delete(index=alias, id="Old 0", refresh=True)  # pruned
    store(es, alias, ("Added", Entities(location=("Tbilisi",))), minute=2)  # and one added
    synced = sync_names(es, alias)
    assert synced.full
    assert names_match_the_articles(es, alias)


def test_many_articles_added_at_once_are_synced_in_full(es, alias):
    store(es, alias, *[(f"Old {n}", Entities(location=("Yerevan",))) for n in range(4)])
    sync_names(es, alias)
    store(es, alias, ("New", Entities(location=("Baku",))), minute=1)  # a fifth of the index
    assert not sync_names(es, alias).full
    store(es, alias, *[(f"New {n}", Entities(location=("Baku",))) for n in range(3)], minute=2)
    synced = sync_names(es, alias)
    assert synced.full
    assert names_match_the_articles(es, alias)


def test_names_sort_in_the_engine_order_past_a_page(es, alias, monkeypatch):
    # Several pages, names that sort differently by case, accents and scripts: the merge of
    # stored and wanted names must agree with the engine's order or it would rewrite them all.
    monkeypatch.setattr(names, "PAGE_SIZE", 3)
    people = ("Zoë Ball", "zed", "Émile Zola", "Ёлкин", "Ömer", "Anna", "anna", "Ali Khamenei")
    store(es, alias, *[(f"A {n}", Entities(person=(p,))) for n, p in enumerate(people)])
    assert sync_names(es, alias).written == len(people)
    assert {n["name"] for n in stored_names(es, alias).values()} == set(people)
    store(es, alias, ("More", Entities(person=("Ömer",))))
    synced = sync_names(es, alias)
    assert (synced.written, synced.deleted) == (1, 0)


def test_the_names_are_current_until_the_articles_change(es, alias):
    store(es, alias, ("One", Entities(person=("Nikol Pashinyan",))))
    assert not names_current(es, alias)
    sync_names(es, alias)
    assert names_current(es, alias)
    store(es, alias, ("Two", Entities(person=("Ilham Aliyev",))))  # added
    assert not names_current(es, alias)
    sync_names(es, alias)
    es.delete(index=alias, id="Two", refresh=True)  # pruned
    assert not names_current(es, alias)


def test_a_failed_sync_is_finished_by_the_next(es, alias, monkeypatch):
    store(es, alias, ("One", Entities(person=("Nikol Pashinyan",))))
    sync_names(es, alias)
    store(es, alias, ("Two", Entities(person=("Ilham Aliyev",))))

    def refused(kind: str, name: str, articles: int) -> dict[str, Any]:
        # A field the strict mapping does not know: the engine turns the document away.
        return {**name_source(kind, name, articles), "unmapped": True}

    with monkeypatch.context() as patch:
        patch.setattr(names, "name_source", refused)
        with pytest.raises(NamesError, match="1 of 1 names could not be written"):
            sync_names(es, alias)
    assert not names_current(es, alias)
    assert sync_names(es, alias).written == 1
    assert names_current(es, alias)
    assert {n["name"] for n in stored_names(es, alias).values()} == {
        "Nikol Pashinyan",
        "Ilham Aliyev",
    }


def test_load_syncs_the_names_only_after_a_change(es, es_url, alias, tmp_path):
    inbox = tmp_path / "inbox.jsonl"

    def write(*records: dict[str, str]) -> Path:
        inbox.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return inbox

    def load(*extra: str) -> str:
        result = CliRunner().invoke(
            cli.main, ["--es-url", es_url, "--index", alias, "load", str(inbox), *extra]
        )
        assert result.exit_code == 0, result.output
        return result.output

    yerevan = {"id": "y", "title": "Talks in Yerevan", "body": "Armenia met in Yerevan today."}
    baku = {"id": "b", "title": "Talks in Baku", "body": "Azerbaijan met in Baku on Monday."}
    write(yerevan, baku)
    assert "entity names for suggestions" in load()
    places = {n["name"] for n in stored_names(es, alias).values() if n["kind"] == "location"}
    assert {"Yerevan", "Baku"} <= places

    assert "entity names for suggestions" not in load()  # nothing changed: nothing synced

    write(yerevan)
    assert "entity names for suggestions" in load("--prune")
    places = {n["name"] for n in stored_names(es, alias).values() if n["kind"] == "location"}
    assert "Yerevan" in places
    assert "Baku" not in places


def test_create_index_makes_an_empty_names_index(es, es_url, alias):
    result = CliRunner().invoke(cli.main, ["--es-url", es_url, "--index", alias, "create-index"])
    assert result.exit_code == 0, result.output
    assert es.indices.exists_alias(name=names_alias(alias))
    assert stored_names(es, alias) == {}
    assert names_current(es, alias)
