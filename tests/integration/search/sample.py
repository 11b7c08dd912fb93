"""The sample articles the integration tests load (tests/data/search_articles.jsonl)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

from articles import ENTITY_TYPES, suggest_entries
from indexer.index.names import sync_names

DATA = Path(__file__).resolve().parents[2] / "data"
ARTICLES: list[dict[str, Any]] = [
    json.loads(line)
    for line in (DATA / "search_articles.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
SEED_ID = "0a4f7763723d062e"
XSS_ID = "xss-portal"


def indexed(doc: dict[str, Any]) -> dict[str, Any]:
    """A sample article as the indexer writes it: with its title's suggestion inputs."""
    published = date.fromisoformat(doc["published"]) if doc.get("published") else None
    entities = {kind: doc.get(kind) or [] for kind in ENTITY_TYPES}
    # Until names are canonicalised, the indexer writes each name as its own mention.
    mentions = {f"{kind}_mentions": names for kind, names in entities.items()}
    return {**doc, **mentions, "suggest": suggest_entries(doc["title"], published)}


def load_sample(es: Elasticsearch, alias: str) -> None:
    """Index the sample articles behind `alias`, searchable at once, then build their names."""
    actions = ({"_index": alias, "_id": doc["id"], "_source": indexed(doc)} for doc in ARTICLES)
    ok, errors = helpers.bulk(es, actions, refresh=True)
    assert (ok, errors) == (len(ARTICLES), [])
    # As a load ends: the suggestions' names are synced with the articles' facets.
    sync_names(es, alias)
