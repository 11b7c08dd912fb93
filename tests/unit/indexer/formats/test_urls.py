"""Feeds and pages given as URLs, fetched from a local HTTP server the test starts.

The server is on loopback, which only `--allow-private-urls` (here: a policy allowing private
addresses) lets a load reach; tests/integration/indexer/test_fetch_rules.py has the refusals.
"""

import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from indexer.formats.inputs import ParsedArticle, ParseFailure, ReadOptions, read_inputs
from outbound import AddressPolicy

REPO = Path(__file__).resolve().parents[4]
INGEST = REPO / "tests" / "data" / "ingest"

# Path on the server -> (fixture file, Content-Type). Extensionless paths, as real sites use.
ROUTES = {
    "/news/feed": (INGEST / "feeds" / "wire.rss", "application/rss+xml; charset=utf-8"),
    "/atom": (INGEST / "feeds" / "desk.atom", "application/xml"),
    "/2020/11/05/fishing-quotas": (INGEST / "pages" / "article.html", "text/html; charset=utf-8"),
    "/sections": (INGEST / "pages" / "no-article.html", "text/html"),
    "/export.jsonl": (INGEST / "mixed.jsonl", "application/octet-stream"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        route = ROUTES.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        path, content_type = route
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


LOOPBACK_ALLOWED = ReadOptions(policy=AddressPolicy(allow_private=True))


def read(*urls):
    items = list(read_inputs(urls, LOOPBACK_ALLOWED))
    return (
        [i for i in items if isinstance(i, ParsedArticle)],
        [i for i in items if isinstance(i, ParseFailure)],
    )


def test_feed_url_is_fetched_and_recognised_by_its_content_type(server):
    ok, bad = read(f"{server}/news/feed")
    assert [i.article.title for i in ok] == [
        "Azerbaijan and Iran open a new border crossing",
        "Tehran hosts a regional energy forum",
    ]
    assert all(i.origin.path == f"{server}/news/feed" for i in ok + bad)
    assert [b.reason for b in bad] == ["entry has no title"]


def test_atom_served_as_plain_xml_is_recognised_by_its_content(server):
    ok, _ = read(f"{server}/atom")
    assert [i.article.published for i in ok] == [date(2021, 3, 3), date(2021, 3, 2)]


def test_page_url_becomes_an_article_with_that_url(server):
    ok, bad = read(f"{server}/2020/11/05/fishing-quotas")
    assert not bad
    article = ok[0].article
    assert article.url == f"{server}/2020/11/05/fishing-quotas"
    assert article.title == "Caspian states agree on fishing quotas"
    assert article.published == date(2020, 11, 5)


def test_page_url_without_an_article_is_reported(server):
    ok, bad = read(f"{server}/sections")
    assert not ok
    assert bad[0].reason == "no article text found on the page"


def test_json_lines_url_is_read_line_by_line(server):
    ok, bad = read(f"{server}/export.jsonl")
    assert [i.article.id for i in ok] == ["ok-1", "ok-6"]
    assert {b.origin.line for b in bad} == {2, 4, 5, 6}


def test_missing_and_unreachable_urls_are_reported_and_the_rest_loads(server):
    ok, bad = read(f"{server}/gone", "http://127.0.0.1:9/feed", f"{server}/atom")
    assert len(ok) == 2
    assert bad[0].reason == "HTTP 404 Not Found"
    assert bad[1].reason.startswith("cannot fetch:")
