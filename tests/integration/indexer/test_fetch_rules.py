"""URL inputs under rules: private addresses, redirects, one deadline, a byte cap (issue 10, 4).

A local HTTP server on loopback plays the hostile site; loads run through the CLI on the real
engine, which must never end up indexing its own answers.
"""

import ipaddress
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from indexer.formats.inputs import ParseFailure, ReadOptions, read_inputs
from outbound import AddressPolicy
from outbound.policy import address_kind
from tests.support import load_cli

pytestmark = pytest.mark.es

REPO = Path(__file__).resolve().parents[3]
FEED = REPO / "tests" / "data" / "ingest" / "feeds" / "wire.rss"
# Deadline given to the trickling URLs, and how long past it a fetch may take to give up.
DEADLINE = 2.0
GRACE = 3.0


class _Hostile(BaseHTTPRequestHandler):
    """Routes of a hostile site; `engine` is the search engine's URL, to redirect to."""

    engine = ""

    def do_GET(self) -> None:
        if self.path == "/feed":
            self._send(FEED.read_bytes(), "application/rss+xml")
        elif self.path == "/to-engine":
            self._redirect(f"{self.engine}/_cat/indices?v")
        elif self.path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/big":
            self._send(b"<rss>" + b" " * 5_000 + b"</rss>", "application/rss+xml")
        elif self.path == "/trickle-body":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self._trickle()
        elif self.path == "/trickle-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self._trickle(b"X-Slow: yes\r\n")
        else:
            self.send_error(404, "Not Found")

    def _send(self, data: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def _trickle(self, piece: bytes = b"<") -> None:
        """A byte (or a header line) a second, for far longer than any deadline."""
        try:
            for _ in range(60):
                self.wfile.write(piece)
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(es_url: str) -> Iterator[str]:
    _Hostile.engine = es_url.rstrip("/")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def count(es: Elasticsearch, alias: str) -> int:
    if not es.indices.exists_alias(name=alias):
        return 0
    es.indices.refresh(index=alias)
    return int(es.count(index=alias)["count"])


def test_a_loopback_url_is_refused_without_the_flag_and_loaded_with_it(es, es_url, alias, site):
    refused = load_cli(es_url, alias, f"{site}/feed")
    assert refused.exit_code == 1
    assert (
        f"FAILED {site}/feed: refused: 127.0.0.1 is a loopback address; "
        "pass --allow-private-urls to fetch it"
    ) in refused.output
    assert count(es, alias) == 0
    allowed = load_cli(es_url, alias, "--allow-private-urls", f"{site}/feed")
    assert "indexed 2, failed 1" in allowed.output  # wire.rss has one entry without a title
    assert count(es, alias) == 2


def test_a_redirect_to_the_engine_is_never_indexed_flag_or_not(es, es_url, alias, site):
    without = load_cli(es_url, alias, f"{site}/to-engine")
    assert "refused: 127.0.0.1 is a loopback address" in without.output
    with_flag = load_cli(es_url, alias, "--allow-private-urls", f"{site}/to-engine")
    assert with_flag.exit_code == 1
    engine = es_url.removeprefix("http://").rstrip("/")
    assert (
        f"FAILED {site}/to-engine: refused: {engine} is the search engine's own address"
        in with_flag.output
    )
    assert count(es, alias) == 0


def test_redirects_to_other_schemes_and_endless_redirects_are_refused(es_url, alias, site):
    result = load_cli(es_url, alias, "--allow-private-urls", f"{site}/to-file", f"{site}/loop")
    assert (
        f"FAILED {site}/to-file: refused: only http and https URLs are fetched, not 'file'"
        in result.output
    )
    assert f"FAILED {site}/loop: more than 5 redirects" in result.output


@pytest.mark.parametrize("route", ["/trickle-body", "/trickle-headers"])
def test_a_trickling_url_is_abandoned_at_its_deadline(es_url, alias, site, route):
    started = time.monotonic()
    result = load_cli(
        es_url, alias, "--allow-private-urls", "--fetch-timeout", DEADLINE, f"{site}{route}"
    )
    elapsed = time.monotonic() - started
    assert f"FAILED {site}{route}: no complete answer within {DEADLINE:g}s" in result.output
    assert elapsed < DEADLINE + GRACE, f"took {elapsed:.1f}s"
    print(f"{route}: abandoned after {elapsed:.1f}s (deadline {DEADLINE:g}s)")


def test_a_body_over_the_byte_cap_is_not_read(site):
    options = ReadOptions(policy=AddressPolicy(allow_private=True), max_bytes=1_000)
    (failure,) = read_inputs([f"{site}/big"], options)
    assert failure == ParseFailure(failure.origin, "larger than 1,000 bytes (declared 5,011 bytes)")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "reserved"),
        ("93.184.216.34", None),
        ("2606:2800:220:1::", None),
    ],
)
def test_addresses_are_classified_before_any_connection(address, kind):
    assert address_kind(ipaddress.ip_address(address)) == kind


def test_every_address_a_name_resolves_to_is_checked():
    from outbound.policy import FetchRefusedError, Target

    with pytest.raises(FetchRefusedError, match=r"refused: localhost \(.*\) is a loopback"):
        AddressPolicy().addresses(Target("http", "localhost", 80), timeout=5)
