"""`/api/suggest` on a real Elasticsearch: names with their kind, then titles."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.integration.search.sample import SEED_ID

pytestmark = pytest.mark.es


def suggest(client: FlaskClient, prefix: str) -> list[dict[str, Any]]:
    answer = client.get("/api/suggest", query_string={"q": prefix})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    found: list[dict[str, Any]] = answer.get_json()["suggestions"]
    return found


def test_a_prefix_suggests_entities_with_their_kind_and_titles(client: FlaskClient) -> None:
    found = suggest(client, "arme")
    assert {"kind": "location", "text": "Armenia", "url": "/?location=Armenia"} in found
    titles = [s for s in found if s["kind"] == "title"]
    assert titles and all(
        s["text"].lower().split()[0].startswith("arme") or "Arme" in s["text"] for s in titles
    )
    assert all(s["url"] == f"/articles/{s['id']}" for s in titles)


def test_a_later_word_of_a_name_finds_the_whole_name(client: FlaskClient) -> None:
    found = suggest(client, "khamen")
    assert {"kind": "person", "text": "Ali Khamenei", "url": "/?person=Ali+Khamenei"} in found
    assert any(s["kind"] == "title" and s["id"] == SEED_ID for s in found)


def test_names_are_folded_and_typos_forgiven(client: FlaskClient) -> None:
    assert any(s["text"] == "Ali Khamenei" for s in suggest(client, "khamenie"))
    assert any(s["text"] == "Baku" for s in suggest(client, "BAKU"))


def test_names_come_before_titles_and_never_repeat(client: FlaskClient) -> None:
    found = suggest(client, "a")
    kinds = [s["kind"] for s in found]
    assert kinds == sorted(kinds, key=lambda kind: kind == "title")
    keys = [(s["kind"], s["text"]) for s in found]
    assert len(keys) == len(set(keys))
    assert len([k for k in kinds if k != "title"]) <= 5
    assert kinds.count("title") <= 5


@pytest.mark.parametrize("prefix", ["", " ", "zzzzqx", '"', "\\", "a" * 100, "<script>", "~*?"])
def test_any_prefix_answers_json(client: FlaskClient, prefix: str) -> None:
    answer = client.get("/api/suggest", query_string={"q": prefix})
    assert answer.status_code == 200
    assert isinstance(answer.get_json()["suggestions"], list)


def test_an_overlong_prefix_is_a_400(client: FlaskClient) -> None:
    assert client.get("/api/suggest", query_string={"q": "a" * 101}).status_code == 400
