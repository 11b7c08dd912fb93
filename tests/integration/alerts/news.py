"""Synthetic news for the alert tests: articles with known words and entities, and searches."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch, helpers

TOPICS = [
    "ceasefire",
    "election",
    "pipeline",
    "drought",
    "vaccine",
    "tariff",
    "earthquake",
    "summit",
    "protest",
    "satellite",
    "harvest",
    "refinery",
    "strike",
    "flood",
    "budget",
]
PEOPLE = ["Ana Lima", "Omar Haddad", "Li Wei", "Sara Novak", "Tom Okafor", "Mina Rahimi"]
ORGS = ["World Bank", "Red Cross", "OPEC", "UNICEF"]
PLACES = ["Baku", "Tehran", "Yerevan", "Ankara", "Moscow", "Cairo", "Lagos"]
SOURCES = ["Wire", "Daily", "Herald"]


def article(rng: random.Random, number: int, prefix: str) -> dict[str, Any]:
    """One article with two topics, one or two people, a place, an organization, a source."""
    first, second = rng.sample(TOPICS, 2)
    people = rng.sample(PEOPLE, rng.choice([1, 2]))
    place = rng.choice(PLACES)
    org = rng.choice(ORGS)
    day = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 4 * 365))
    return {
        "id": f"{prefix}-{number:04d}",
        "title": f"{first.capitalize()} and {second} news from {place}",
        "body": (
            f"Reports on the {first} reached {place} on Monday. {' and '.join(people)} spoke "
            f"for the {org} about the {second}. Item {number}."
        ),
        "published": day.isoformat(),
        "source": rng.choice(SOURCES),
        "person": people,
        "organization": [org],
        "location": [place],
        "person_mentions": people,
        "organization_mentions": [org],
        "location_mentions": [place],
    }


def articles(count: int, *, seed: int, prefix: str) -> list[dict[str, Any]]:
    """`count` articles, always the same for one seed."""
    rng = random.Random(seed)
    return [article(rng, n, prefix) for n in range(count)]


def write(es: Elasticsearch, alias: str, docs: list[dict[str, Any]]) -> None:
    """Write articles as the indexer does: stamped as each is written, visible after the
    next refresh (no forced refresh: the checker must cope with the refresh interval)."""
    actions = (
        {
            "_index": alias,
            "_id": doc["id"],
            "_source": {**doc, "ingested_at": datetime.now(UTC).isoformat(timespec="milliseconds")},
        }
        for doc in docs
    )
    ok, errors = helpers.bulk(es, actions)
    assert (ok, errors) == (len(docs), [])


def searches(count: int, *, seed: int) -> list[dict[str, Any]]:
    """`count` saved searches using every kind of parameter the search takes."""
    rng = random.Random(seed)
    # Each matches about one article in twenty: narrow, as followed stories are.
    kinds = [
        lambda: {"q": rng.choice(TOPICS), "source": [rng.choice(SOURCES)]},
        lambda: {"q": " OR ".join(rng.sample(TOPICS, 2)), "source": [rng.choice(SOURCES)]},
        lambda: {"q": f"{rng.choice(TOPICS)} -{rng.choice(PLACES)}", "source": ["Wire"]},
        lambda: {"q": f'"{rng.choice(TOPICS)} news"'},
        lambda: {"location": [rng.choice(PLACES)], "source": [rng.choice(SOURCES)]},
        lambda: {"person": rng.sample(PEOPLE, 2), "location": [rng.choice(PLACES)]},
        lambda: {"q": f'person:"{rng.choice(PEOPLE)}" ({" OR ".join(rng.sample(TOPICS, 2))})'},
        lambda: {"organization": [rng.choice(ORGS)], "from": "2021-01-01", "to": "2021-12-31"},
        lambda: {"q": f"loc:{rng.choice(PLACES)}", "person": [rng.choice(PEOPLE)]},
        lambda: {"q": f"{rng.choice(TOPICS)} {rng.choice(PLACES)}"},
    ]
    return [kinds[n % len(kinds)]() for n in range(count)]
