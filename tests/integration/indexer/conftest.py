"""Fixtures of the indexer's integration tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from tests.support import delete_indices


@pytest.fixture
def alias(es: Elasticsearch) -> Iterator[str]:
    """A fresh alias name that nothing exists under yet; everything behind it is deleted after."""
    name = f"test-indexer-{uuid.uuid4().hex[:12]}"
    yield name
    delete_indices(es, name)
