"""Real responses validate against the OpenAPI description the service publishes."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from search import create_app
from search.config import Settings
from tests.integration.search.sample import SEED_ID

pytestmark = pytest.mark.es


@pytest.fixture
def openapi(client: FlaskClient) -> OpenAPI:
    spec: dict[str, Any] = client.get("/api/openapi.json").get_json()
    return OpenAPI.from_dict(spec)


def validate(openapi: OpenAPI, client: FlaskClient, path: str, status: int) -> None:
    answer = client.get(path)
    assert answer.status_code == status, answer.get_data(as_text=True)
    request = WerkzeugOpenAPIRequest(answer.request)
    openapi.validate_request(request)
    openapi.validate_response(request, WerkzeugOpenAPIResponse(answer))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/search?q=Karabakh", 200),
        ("/api/search?q=Karabakh&location=Armenia&location=Iran&person=Nobody&sort=newest", 200),
        ("/api/search?from=2020-01-01&to=2020-12-31&page=2&size=3", 200),
        ("/api/search?q=nothing-matches-this", 200),
        ("/api/search?q=karabak+ceasfire", 200),
        ('/api/search?q=person:"Ali+Khamenei"+-source:wikinews&expand=location', 200),
        ("/api/suggest?q=arme", 200),
        ("/api/suggest?q=khamenie", 200),
        ("/api/facets/location?q=ar&query=Karabakh&person=Ilham+Aliyev", 200),
        (f"/api/articles/{SEED_ID}", 200),
        ("/api/articles/xss-portal", 200),
        ("/api/articles/diaspora-rally-la", 200),
        ("/api/articles/no-such-article", 404),
        ("/api/openapi.json", 200),
        ("/healthz", 200),
    ],
)
def test_responses_match_the_openapi_description(
    openapi: OpenAPI, client: FlaskClient, path: str, status: int
) -> None:
    validate(openapi, client, path, status)


def test_a_400_matches_the_openapi_description(openapi: OpenAPI, client: FlaskClient) -> None:
    # The request itself breaks the documented schema, so only the response is checked.
    answer = client.get("/api/search?page=abc")
    assert answer.status_code == 400
    openapi.validate_response(
        WerkzeugOpenAPIRequest(answer.request), WerkzeugOpenAPIResponse(answer)
    )


def test_503s_match_the_openapi_description(openapi: OpenAPI) -> None:
    down = create_app(Settings(es_url="http://127.0.0.1:9", index_alias="x")).test_client()
    for path in ("/api/search?q=Karabakh", "/api/articles/x", "/healthz"):
        validate(openapi, down, path, 503)
