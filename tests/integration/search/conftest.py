"""Integration fixtures: the sample articles behind a throwaway alias, and an app over them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from elasticsearch import Elasticsearch
from flask import Flask
from flask.testing import FlaskClient

from search import create_app
from search.config import Settings
from tests.integration.search.sample import load_sample


@pytest.fixture
def loaded_alias(es: Elasticsearch, make_alias: Callable[[], str]) -> str:
    """A fresh alias holding the sample articles, searchable at once, with their names index."""
    alias = make_alias()
    load_sample(es, alias)
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
