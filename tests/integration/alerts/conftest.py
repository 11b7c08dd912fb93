"""Fixtures for saved searches: an app with an API key over a throwaway alias, and cleanup."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from elasticsearch import Elasticsearch
from flask import Flask
from flask.testing import FlaskClient

from search import create_app
from search.config import Settings

API_KEY = "test-key-0123456789abcdef"


@pytest.fixture
def alias(make_alias: Callable[[], str]) -> str:
    """An empty articles alias (its alerts and matches indices go with it afterwards)."""
    return make_alias()


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
