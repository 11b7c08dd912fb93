"""The facet fields' global ordinals are built by the refresh, not by the first search after it."""

import uuid

import pytest
from elasticsearch import Elasticsearch

from articles import ENTITY_TYPES, FACETS
from indexer.index.lifecycle import ensure_index
from tests.support import delete_indices

pytestmark = pytest.mark.es


def test_a_refresh_builds_the_facets_global_ordinals_before_any_search(es: Elasticsearch):
    alias = f"test-ordinals-{uuid.uuid4().hex[:12]}"
    try:
        ensure_index(es, alias)
        # Three refreshes, three segments: one segment needs no global ordinals at all.
        for n in range(3):
            document = {"id": f"a{n}", "source": f"Source {n}", "section": f"Section {n}"}
            document |= {kind: [f"{kind} {n}"] for kind in ENTITY_TYPES}
            es.index(index=alias, id=f"a{n}", document=document, refresh=True)
        stats = es.indices.stats(index=alias, metric="fielddata", fields="*")
        built = stats["_all"]["primaries"]["fielddata"]["global_ordinals"].get("fields", {})
        assert set(FACETS.values()) <= set(built)
        assert "section" not in built  # not a facet: built only if something aggregates it
    finally:
        delete_indices(es, alias)
