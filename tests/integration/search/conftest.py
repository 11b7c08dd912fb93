"""Integration fixtures: the sample articles behind a throwaway alias, and an app over them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from elasticsearch import Elasticsearch, helpers
from flask import Flask
from flask.testing import FlaskClient

from search import create_app
from search.config import Settings
from tests.integration.search.sample import ARTICLES, indexed


@pytest.fixture
def loaded_alias(es: Elasticsearch, make_alias: Callable[[], str]) -> str:
    """A fresh alias holding the sample articles, searchable at once."""
    alias = make_alias()
    actions = ({"_index": alias, "_id": doc["id"], "_source": indexed(doc)} for doc in ARTICLES)
    ok, errors = helpers.bulk(es, actions, refresh=True)
    assert (ok, errors) == (len(ARTICLES), [])
    return alias


@pytest.fixture
def settings(es_url: str, loaded_alias: str) -> Settings:
    return Settings(es_url=es_url, index_alias=loaded_alias)


@pytest.fixture
def app(settings: Settings, es: Elasticsearch) -> Flask:
    app = create_app(settings, client=es)
    app.testing = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
