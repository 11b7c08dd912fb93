"""Entity pages on a real engine: the indexer's output, the API, the page and the links to it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from elasticsearch import Elasticsearch, helpers
from flask.testing import FlaskClient

from articles import Article
from indexer.documents import to_action
from indexer.entities.canonical import Resolved
from indexer.entities.extract import build_nlp, extract_entities
from indexer.entities.found import Entities
from indexer.formats.inputs import ParsedArticle, read_inputs
from indexer.load.fingerprint import provenance_of
from search import create_app
from search.config import Settings

pytestmark = pytest.mark.es

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def entities(*items: tuple[str, str, tuple[str, ...]]) -> Entities:
    return Entities.from_resolved(Resolved(kind, name, forms) for kind, name, forms in items)  # type: ignore[arg-type]


KHAMENEI = ("person", "Ali Khamenei", ("Ayatollah Khamenei", "Imam Khamenei"))
ARTICLES = [
    (
        Article(id="e1", title="Leader meets Rouhani", body="..."),
        entities(
            KHAMENEI, ("person", "Hassan Rouhani", ("Rouhani",)), ("location", "Iran", ("Iran",))
        ),
    ),
    (
        Article(id="e2", title="Leader speaks", body="..."),
        entities(
            ("person", "Ali Khamenei", ("Ayatollah Seyed Ali Khamenei",)),
            ("person", "Hassan Rouhani", ("Hassan Rouhani",)),
            ("location", "Iran", ("Islamic Republic of Iran",)),
        ),
    ),
    (
        Article(id="e3", title="Leader again", body="..."),
        entities(KHAMENEI, ("location", "Iran", ("Iran",))),
    ),
    *(
        (
            Article(id=f"o{i}", title=f"Other {i}", body="..."),
            entities(("location", "Iran", ("Iran",)), ("person", "Someone Else", ("Else",))),
        )
        for i in range(6)
    ),
]


@pytest.fixture
def client(es: Elasticsearch, es_url: str, make_alias: Callable[[], str]) -> FlaskClient:
    alias = make_alias()
    actions = (
        to_action(article, found, provenance_of(article), index=alias)
        for article, found in ARTICLES
    )
    ok, errors = helpers.bulk(es, actions, refresh=True)
    assert (ok, errors) == (len(ARTICLES), [])
    app = create_app(Settings(es_url=es_url, index_alias=alias), client=es)
    app.testing = True
    return app.test_client()


def test_the_entity_api_gives_name_forms_count_and_company(client):
    response = client.get("/api/entities/person/Ali%20Khamenei")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["type"], body["name"], body["articles"]) == ("person", "Ali Khamenei", 3)
    assert body["forms"] == [
        {"form": "Ayatollah Khamenei", "articles": 2},
        {"form": "Imam Khamenei", "articles": 2},
        {"form": "Ayatollah Seyed Ali Khamenei", "articles": 1},
    ]
    assert [r["name"] for r in body["related"]["person"]] == ["Hassan Rouhani"]
    assert all(r["name"] != "Ali Khamenei" for r in body["related"]["person"])


def test_an_unknown_entity_or_type_is_a_404_in_the_one_error_shape(client):
    for url in ("/api/entities/person/Nobody%20Here", "/api/entities/planet/Mars"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_the_entity_page_lists_forms_and_links_to_articles_and_related_pages(client):
    response = client.get("/entities/person/Ali%20Khamenei")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 id="entity-heading">Ali Khamenei</h1>' in html
    assert "Ayatollah Seyed Ali Khamenei" in html
    assert "/?person=Ali+Khamenei" in html
    assert f"/entities/person/{quote('Hassan Rouhani')}" in html


def test_facet_values_and_article_entities_link_to_entity_pages(client):
    search = client.get("/?q=Leader").get_data(as_text=True)
    assert f"/entities/person/{quote('Ali Khamenei')}" in search
    article = client.get("/articles/e1").get_data(as_text=True)
    assert "/entities/location/Iran" in article


@pytest.fixture
def seed_client(es: Elasticsearch, es_url: str, make_alias: Callable[[], str]) -> FlaskClient:
    """The seed article through the real entity pipeline (curated forms only), indexed."""
    alias = make_alias()
    nlp = build_nlp(forms_table=Path(os.devnull))
    items = [r for r in read_inputs([SEEDS]) if isinstance(r, ParsedArticle)]
    actions = [
        to_action(r.article, found, provenance_of(r.article), index=alias)
        for r, found in extract_entities(nlp, items)
    ]
    helpers.bulk(es, actions, refresh=True)
    app = create_app(Settings(es_url=es_url, index_alias=alias), client=es)
    app.testing = True
    return app.test_client()


def test_the_seed_article_is_filed_once_per_entity_and_found_by_any_form(seed_client):
    hit = seed_client.get("/api/search?q=Karabakh").get_json()["hits"][0]
    assert hit["entities"]["person"] == [
        "Ali Khamenei",
        "Khalaf Khalafov",
        "Abbas Mousavi",
        "Abbas Araghchi",
    ]
    assert sorted(hit["entities"]["location"]) == sorted(
        ["Azerbaijan", "Nagorno-Karabakh", "Iran", "Baku", "Armenia"]
    )
    for query in ("Khamenei", "Ayatollah Khamenei", "Ali Khamenei", "Seyyed Ali Khamenei"):
        assert seed_client.get("/api/search", query_string={"q": query}).get_json()["total"] == 1
    forms = seed_client.get("/api/entities/person/Ali%20Khamenei").get_json()["forms"]
    assert {a["form"] for a in forms} == {
        "Ayatollah Khamenei",
        "Ayatollah Seyyed Khamenei",
        "Ayatollah Seyyed Ali Khamenei",
    }


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/entities/person/Ali%20Khamenei", 200),
        ("/api/entities/location/Iran", 200),
        ("/api/entities/person/Nobody%20Here", 404),
    ],
)
def test_entity_responses_match_the_openapi_description(client, path, status):
    from openapi_core import OpenAPI
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

    openapi = OpenAPI.from_dict(client.get("/api/openapi.json").get_json())
    answer = client.get(path)
    assert answer.status_code == status
    request = WerkzeugOpenAPIRequest(answer.request)
    openapi.validate_request(request)
    openapi.validate_response(request, WerkzeugOpenAPIResponse(answer))
