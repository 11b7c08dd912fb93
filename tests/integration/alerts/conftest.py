"""Fixtures for saved searches: an app with an API key over a throwaway alias, and cleanup."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from elasticsearch import Elasticsearch
from flask import Flask
from flask.testing import FlaskClient

from articles.alerts import alerts_alias, matches_alias, versioned_name
from search import create_app
from search.config import Settings

API_KEY = "test-key-0123456789abcdef"


def delete_alert_indices(es: Elasticsearch, alias: str) -> None:
    """The alerts and matches indices of `alias` (by name: wildcards are refused)."""
    names = [versioned_name(alerts_alias(alias)), versioned_name(matches_alias(alias))]
    es.indices.delete(index=names, ignore_unavailable=True)


@pytest.fixture
def alias(es: Elasticsearch, make_alias: Callable[[], str]) -> Iterator[str]:
    """An empty articles alias; its alerts and matches indices go with it afterwards."""
    name = make_alias()
    yield name
    delete_alert_indices(es, name)


@pytest.fixture
def app(es_url: str, es: Elasticsearch, alias: str) -> Flask:
    """The app with an API key, webhooks to loopback allowed (the receiver is local)."""
    settings = Settings(
        es_url=es_url, index_alias=alias, api_key=API_KEY, allow_private_webhooks=True
    )
    app = create_app(settings, client=es)
    app.testing = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
