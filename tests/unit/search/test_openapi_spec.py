"""The OpenAPI description is itself valid and names every endpoint and error."""

from __future__ import annotations

from openapi_spec_validator import OpenAPIV31SpecValidator

from search.openapi import openapi_spec


def test_the_openapi_description_is_a_valid_3_1_document() -> None:
    errors = list(OpenAPIV31SpecValidator(openapi_spec()).iter_errors())
    assert errors == []


def test_every_endpoint_documents_its_error_responses() -> None:
    paths = openapi_spec()["paths"]
    # 414: the HTTP server's own answer to a request line over its limit (issue 10).
    assert set(paths["/api/search"]["get"]["responses"]) == {"200", "400", "414", "500", "503"}
    assert set(paths["/api/articles/{id}"]["get"]["responses"]) == {
        "200",
        "404",
        "414",
        "500",
        "503",
    }
    assert set(paths["/healthz"]["get"]["responses"]) == {"200", "414", "503"}


def test_callers_get_their_own_copy() -> None:
    openapi_spec()["paths"].clear()
    assert openapi_spec()["paths"]
