"""Test doubles for the search service: canned responses and a stub Elasticsearch client."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from search.params import SearchParams

DATA = Path(__file__).resolve().parents[2] / "data"


def canned(name: str) -> tuple[SearchParams, dict[str, Any]]:
    """The params and the captured raw response stored in tests/data/<name>."""
    stored = json.loads((DATA / name).read_text(encoding="utf-8"))
    return SearchParams.from_args(MultiDict(stored["args"])), stored["response"]


def api_meta(status: int) -> ApiResponseMeta:
    """Response metadata for building the client's ApiError subclasses in tests."""
    return ApiResponseMeta(
        status=status,
        http_version="1.1",
        headers=HttpHeaders(),
        duration=0.0,
        node=NodeConfig("http", "127.0.0.1", 9200),
    )


class StubES:
    """Stands in for the Elasticsearch client: canned answers, recorded calls, optional errors."""

    def __init__(
        self,
        *,
        search: dict[str, Any] | None = None,
        get: dict[str, Any] | None = None,
        lookup: list[dict[str, Any]] | None = None,
        raises: Exception | None = None,
        docs: int = 11,
    ) -> None:
        # Searches nobody set up answer "nothing found" (the article page also asks for
        # related articles).
        self.search_response = search or {"took": 1, "hits": {"total": {"value": 0}, "hits": []}}
        self.get_response = get
        # The lookup before a search (search/lookup.py): by default the index knows nothing.
        self.lookup_responses = lookup or [{}, {}]
        self.raises = raises
        self.docs = docs
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.cluster = SimpleNamespace(health=self._health)

    def _answer(self, name: str, kwargs: dict[str, Any], body: Any) -> SimpleNamespace:
        self.calls.append((name, kwargs))
        if self.raises is not None:
            raise self.raises
        return SimpleNamespace(body=body)

    def search(self, **kwargs: Any) -> SimpleNamespace:
        return self._answer("search", kwargs, self.search_response)

    def msearch(self, **kwargs: Any) -> SimpleNamespace:
        return self._answer("msearch", kwargs, {"responses": self.lookup_responses})

    def get(self, **kwargs: Any) -> SimpleNamespace:
        return self._answer("get", kwargs, self.get_response)

    def count(self, **kwargs: Any) -> dict[str, Any]:
        self._answer("count", kwargs, None)
        return {"count": self.docs}

    def _health(self, **kwargs: Any) -> dict[str, Any]:
        self._answer("cluster.health", kwargs, None)
        return {"cluster_name": "test", "status": "green", "number_of_nodes": 1}


def stub_of(client: FlaskClient) -> StubES:
    """The StubES behind a test client made by `make_client`."""
    stub: StubES = client.application.extensions["es"]
    return stub
