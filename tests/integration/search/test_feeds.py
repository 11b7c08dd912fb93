"""Every search is an Atom feed: valid, linked from the search page, cacheable."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from flask.testing import FlaskClient
from lxml import etree

from search.feeds import FEED_SIZE

pytestmark = pytest.mark.es

SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parents[2] / "data" / "atom.rng")))


def test_a_search_feed_is_valid_atom_with_the_newest_matches(client: FlaskClient) -> None:
    answer = client.get("/feeds/search.atom?q=karabakh&location=Armenia")
    assert answer.status_code == 200
    assert answer.mimetype == "application/atom+xml"
    document = answer.get_data()
    assert SCHEMA.validate(etree.fromstring(document)), SCHEMA.error_log
    parsed = feedparser.parse(document)
    assert not parsed.bozo
    search = client.get("/api/search?q=karabakh&location=Armenia&sort=newest&size=20").json
    assert search is not None
    assert [e.id for e in parsed.entries] == [
        f"http://localhost/articles/{hit['id']}" for hit in search["hits"]
    ]
    first, hit = parsed.entries[0], search["hits"][0]
    assert first.title == hit["title"]
    assert first.published.startswith(hit["published"])
    assert {t.term for t in first.tags} == {
        name for names in hit["entities"].values() for name in names
    }
    assert parsed.feed.links[1].href == "http://localhost/?q=karabakh&location=Armenia"
    assert first.summary


def test_a_reader_polling_with_its_etag_gets_a_304(client: FlaskClient) -> None:
    first = client.get("/feeds/search.atom?q=karabakh")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "max-age=60"
    again = client.get("/feeds/search.atom?q=karabakh", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    since = client.get("/feeds/search.atom?q=karabakh", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = client.get("/feeds/search.atom?q=ceasefire", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_a_feed_takes_the_searchs_parameters_and_their_400s(client: FlaskClient) -> None:
    assert len(feedparser.parse(client.get("/feeds/search.atom").get_data()).entries) <= FEED_SIZE
    assert len(feedparser.parse(client.get("/feeds/search.atom?size=2").get_data()).entries) == 2
    bad = client.get("/feeds/search.atom?from=2020-13-01", headers={"Accept": "application/json"})
    assert bad.status_code == 400
    assert bad.json == {
        "error": {"code": "bad_request", "message": "from must be a date written YYYY-MM-DD"}
    }
    # Paging means nothing to a feed: ignored, never a 400 for the result window.
    assert client.get("/feeds/search.atom?page=5000").status_code == 200
