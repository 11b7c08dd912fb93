"""Names spelled another way, half-typed names, on a real engine with our analysis plugin.

The fixture is a small realistic newsroom (tests/integration/search/name_variants.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from flask.testing import FlaskClient

from articles import concrete_index_name, index_body
from search import create_app
from search.config import Settings
from tests.integration.search.name_variants import ABOUT_ROUHANI, ARTICLES, load_name_variants
from tests.support import delete_indices

pytestmark = pytest.mark.es

OTHER_ROHANIS = {"rohani-concert", "rohani-museum"}
ABOUT_HEZBOLLAH = {doc["id"] for doc in ARTICLES if "Hezbollah" in doc["organization"]}


@pytest.fixture(scope="module")
def variants_alias(es: Elasticsearch) -> Iterator[str]:
    alias = f"test-articles-variants-{uuid.uuid4().hex[:12]}"
    es.indices.create(index=concrete_index_name(alias), **index_body(), aliases={alias: {}})
    try:
        load_name_variants(es, alias)
        yield alias
    finally:
        delete_indices(es, alias)


@pytest.fixture(scope="module")
def variants(es_url: str, es: Elasticsearch, variants_alias: str) -> Iterator[FlaskClient]:
    app = create_app(Settings(es_url=es_url, index_alias=variants_alias), client=es)
    yield app.test_client()


def search(client: FlaskClient, q: str) -> dict[str, Any]:
    answer = client.get("/api/search", query_string={"q": q, "size": "20"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body: dict[str, Any] = answer.get_json()
    return body


def ids(body: dict[str, Any]) -> list[str]:
    return [hit["id"] for hit in body["hits"]]


def test_a_name_in_a_spelling_the_corpus_rarely_uses_finds_its_common_spelling_first(
    variants: FlaskClient,
) -> None:
    body = search(variants, "Rohani")
    found = ids(body)
    # Every article on Hassan Rouhani, before the two on other people named Rohani...
    assert set(found[: len(ABOUT_ROUHANI)]) == ABOUT_ROUHANI
    # ... which are still found, the spelling typed being theirs.
    assert set(found) >= OTHER_ROHANIS
    assert body["fuzzy"] is True
    assert body["did_you_mean"] == "rouhani"


def test_the_common_spelling_ranks_its_own_articles_first_and_never_a_rarer_one(
    variants: FlaskClient,
) -> None:
    body = search(variants, "Rouhani")
    # Exact spellings rank first; a rarer near-spelling is never mixed in.
    assert set(ids(body)[: len(ABOUT_ROUHANI)]) == ABOUT_ROUHANI
    assert not OTHER_ROHANIS & set(ids(body))
    assert body["fuzzy"] is False
    assert body["did_you_mean"] is None


def test_a_rare_spelling_with_no_close_common_one_finds_the_name_by_its_sound(
    variants: FlaskClient,
) -> None:
    # Hizballah is two letters from Hezbollah, too far to be taken for a typo of a word the
    # index knows; both sound HSPL, and the mentions are searched by sound.
    body = search(variants, "Hizballah")
    found = ids(body)
    assert found[0] == "hizballah-rally"
    assert set(found[1:]) == ABOUT_HEZBOLLAH
    assert body["fuzzy"] is True


def test_a_half_typed_name_shows_the_articles_about_that_person_first(
    variants: FlaskClient,
) -> None:
    body = search(variants, "Rouh")
    assert set(ids(body)[: len(ABOUT_ROUHANI)]) == ABOUT_ROUHANI
    # Titles are marked where the name begins with what was typed.
    assert any("<mark>Rouhani</mark>" in hit["highlights"]["title"][0] for hit in body["hits"])
    # The finished word is not "corrected" into another one while it is typed.
    assert body["did_you_mean"] is None


def test_the_exact_last_word_outranks_words_it_merely_begins(variants: FlaskClient) -> None:
    # "Iran" begins "Iranian": articles with the word itself come first.
    body = search(variants, "oil Iran")
    first = body["hits"][0]
    assert first["id"] == "oil-exports"


def test_four_words_that_never_meet_still_rank_the_articles_matching_three(
    variants: FlaskClient,
) -> None:
    body = search(variants, "earthquake rescue teams Tabriz")
    # No article has all four; the earthquake report has three of them.
    assert ids(body)[0] == "earthquake-kermanshah"


def test_a_hyphenated_name_is_one_word_its_parts_side_by_side(variants: FlaskClient) -> None:
    # Kim Jong-il's article has Kim, Jong and "UN" (four times): not Kim Jong-un.
    assert ids(search(variants, "Kim Jong-un")) == ["kim-jong-un-summit"]
    # Written apart, the parts are still found side by side.
    assert ids(search(variants, "Kim Jong Un"))[0] == "kim-jong-un-summit"


def test_phonetic_codes_fold_transliterations_in_the_engine(
    es: Elasticsearch, variants_alias: str
) -> None:
    def codes(text: str) -> list[str]:
        tokens = es.indices.analyze(
            index=variants_alias, field="person_mentions.phonetic", text=text
        )["tokens"]
        return [token["token"] for token in tokens]

    assert codes("Rouhani") == codes("Rohani") == ["RHN"]
    assert codes("Nasrallah") == codes("Nasrollah")
    assert codes("Rouhani's") == ["RHN"]
