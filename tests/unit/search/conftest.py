"""Unit fixtures for the search service: settings and test clients over a stub Elasticsearch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search import create_app
from search.config import Settings
from tests.unit.search.stubs import StubES


@pytest.fixture
def settings() -> Settings:
    return Settings(index_alias="test-articles")


@pytest.fixture
def make_client(settings: Settings) -> Callable[..., FlaskClient]:
    """A Flask test client over an app whose Elasticsearch is a StubES built from the kwargs."""

    def make(**stub: Any) -> FlaskClient:
        app: Flask = create_app(settings, client=StubES(**stub))  # type: ignore[arg-type]
        app.testing = True
        return app.test_client()

    return make
