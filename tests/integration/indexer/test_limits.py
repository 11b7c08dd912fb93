"""Impossible and oversized values in real files, loaded into a real engine (issue 10, 1 and 6)."""

from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch

from articles.limits import (
    BODY_TRUNCATED,
    EARLIEST_PUBLISHED,
    FUTURE_PUBLISHED_DAYS,
    MAX_BODY_CHARS,
    MAX_CATEGORIES,
    MAX_ENTITIES_PER_TYPE,
    MAX_ENTITY_CHARS,
    MAX_ID_BYTES,
    MAX_TITLE_CHARS,
)
from tests.support import load_cli, write_jsonl

pytestmark = pytest.mark.es


def stored(es: Elasticsearch, alias: str) -> dict[str, dict]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    return {h["_id"]: h["_source"] for h in hits}


def article(ident: str, **fields) -> dict:
    return {"id": ident, "title": f"Story {ident[:20]}", "body": "Text from Yerevan.", **fields}


def test_dates_outside_the_plausible_range_are_cleared_and_the_articles_kept(
    es, es_url, alias, tmp_path
):
    today = datetime.now(UTC).date()
    latest = today + timedelta(days=FUTURE_PUBLISHED_DAYS)
    path = write_jsonl(
        tmp_path / "dates.jsonl",
        [
            article("dt-old", published="0001-01-01T00:00:00"),
            article("dt-far", published="9999-12-31"),
            article("dt-before", published=(EARLIEST_PUBLISHED - timedelta(days=1)).isoformat()),
            article("dt-earliest", published=EARLIEST_PUBLISHED.isoformat()),
            article("dt-latest", published=latest.isoformat()),
            article("dt-after", published=(latest + timedelta(days=1)).isoformat()),
        ],
    )
    result = load_cli(es_url, alias, path)
    assert result.exit_code == 0, result.output
    docs = stored(es, alias)
    assert {ident: doc["published"] for ident, doc in docs.items()} == {
        "dt-old": None,
        "dt-far": None,
        "dt-before": None,
        "dt-earliest": EARLIEST_PUBLISHED.isoformat(),
        "dt-latest": latest.isoformat(),
        "dt-after": None,
    }
    assert (
        f"NOTE {path}:1: published date 0001-01-01 is outside "
        f"{EARLIEST_PUBLISHED.isoformat()}..{latest.isoformat()}: stored without a date"
    ) in result.output
    assert "indexed 6, failed 0" in result.output
    assert "; 4 adjusted to the limits" in result.output


def test_an_id_longer_than_the_engine_takes_fails_alone_and_the_batch_is_stored(
    es, es_url, alias, tmp_path
):
    longest = "i" * MAX_ID_BYTES
    # Multi-byte characters: the limit is in bytes, as the engine counts it.
    too_long = "é" * (MAX_ID_BYTES // 2) + "x"
    path = write_jsonl(
        tmp_path / "ids.jsonl", [article("before"), article(too_long), article(longest)]
    )
    result = load_cli(es_url, alias, path)
    assert result.exit_code == 1
    assert (
        f"FAILED {path}:2: field 'id' is {MAX_ID_BYTES + 1} bytes "
        f"(the engine takes at most {MAX_ID_BYTES})"
    ) in result.output
    assert "Traceback" not in result.output
    assert sorted(stored(es, alias)) == sorted(["before", longest])


def test_a_40_mb_body_is_stored_cut_at_a_paragraph_and_an_absurd_title_fails(
    es, es_url, alias, tmp_path
):
    paragraph = "Negotiators met again in Yerevan on Monday and agreed to meet again. " * 20
    huge = "\n\n".join([paragraph.strip()] * (40_000_000 // len(paragraph)))
    path = write_jsonl(
        tmp_path / "sizes.jsonl",
        [
            article("huge-body", body=huge),
            article("huge-title", title="Headline " * 1_000),
            article("categories", categories=[f"Topic {n}" for n in range(100_000)]),
        ],
    )
    result = load_cli(es_url, alias, path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    docs = stored(es, alias)
    assert sorted(docs) == ["categories", "huge-body"]
    body = docs["huge-body"]["body"]
    assert len(body) <= MAX_BODY_CHARS
    assert body.endswith("agreed to meet again." + BODY_TRUNCATED)
    assert f"NOTE {path}:1: body of {len(huge):,} characters cut to {len(body):,}" in result.output
    assert (
        f"FAILED {path}:2: field 'title' is 8,999 characters (limit {MAX_TITLE_CHARS:,})"
        in result.output
    )
    assert docs["categories"]["categories"] == [f"Topic {n}" for n in range(MAX_CATEGORIES)]


def test_an_entity_bomb_stores_at_most_the_limit_of_names_per_type(es, es_url, alias, tmp_path):
    # Real NER on a list of distinct organizations: far more than a document may carry.
    names = [f"{word.title()} Holdings Corporation" for word in _words(1_200)]
    body = " ".join(f"{name} said on Monday." for name in names)
    path = write_jsonl(tmp_path / "bomb.jsonl", [article("bomb", body=body)])
    result = load_cli(es_url, alias, path)
    assert result.exit_code == 0, result.output
    doc = stored(es, alias)["bomb"]
    assert len(doc["organization"]) == MAX_ENTITIES_PER_TYPE
    assert all(len(name) <= MAX_ENTITY_CHARS for name in doc["organization"])


def _words(count: int) -> list[str]:
    """Distinct made-up words, so that no two names are one entity."""
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    return [
        consonants[n % 14] + vowels[n // 14 % 5] + consonants[n // 70 % 14] + vowels[n // 980 % 5]
        + "ren"
        for n in range(count)
    ]  # fmt: skip
