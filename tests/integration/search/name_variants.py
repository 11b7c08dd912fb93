"""The name-variants newsroom (tests/data/name_variants.jsonl), loaded as the indexer writes it.

Hand-written news items: ten on President Hassan Rouhani, one that spells him "Rowhani" as
older wire reports did, two on other people who write their name "Rohani"; six on Hezbollah and
one that spells it "Hizballah"; one on Kim Jong-un and one on Kim Jong-il at the UN; and other
news around them. Entities, mentions and entity forms are given as the entity step would write
them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "name_variants.jsonl"
ARTICLES: list[dict[str, Any]] = [
    json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()
]
ABOUT_ROUHANI = {doc["id"] for doc in ARTICLES if "Hassan Rouhani" in doc["person"]}


def load_name_variants(es: Elasticsearch, alias: str) -> None:
    """Index the articles behind `alias` (an empty articles index), searchable at once."""
    actions = ({"_index": alias, "_id": doc["id"], "_source": doc} for doc in ARTICLES)
    ok, errors = helpers.bulk(es, actions, refresh=True)
    assert (ok, errors) == (len(ARTICLES), [])
