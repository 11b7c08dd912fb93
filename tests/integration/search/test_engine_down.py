"""An engine that is down answers 503 fast, and the client recovers when it is back."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from search import create_app
from search.config import Settings
from tests.support import engine_urls

pytestmark = pytest.mark.es

BUDGET_SECONDS = 5.0


def timed_get(client: FlaskClient, path: str) -> tuple[int, float, str]:
    started = time.monotonic()
    answer = client.get(path)
    return answer.status_code, time.monotonic() - started, answer.get_data(as_text=True)


def test_an_unreachable_engine_answers_503_json_within_the_budget() -> None:
    # Nothing listens on the discard port: connections are refused at once.
    app = create_app(Settings(es_url="http://127.0.0.1:9", index_alias="articles"))
    client = app.test_client()
    for _ in range(2):
        status, seconds, _ = timed_get(client, "/api/search?q=Karabakh")
        assert status == 503
        assert seconds < BUDGET_SECONDS
    answer = client.get("/api/search?q=Karabakh")
    assert answer.get_json() == {
        "error": {
            "code": "engine_unavailable",
            "message": "search engine unavailable, try again shortly",
        }
    }
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["status"] == "unavailable"
    page = client.get("/?q=Karabakh")
    assert page.status_code == 503
    assert page.mimetype == "text/html"


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections but never answers, like a hung engine."""
    with socket.create_server(("127.0.0.1", 0), backlog=16) as server:
        yield server.getsockname()[1]


def test_a_hung_engine_answers_503_within_the_budget_with_the_default_timeout(
    silent_port: int,
) -> None:
    settings = Settings(es_url=f"http://127.0.0.1:{silent_port}", index_alias="articles")
    assert settings.es_timeout == 3.0
    client = create_app(settings).test_client()
    status, seconds, body = timed_get(client, "/api/search?q=Karabakh")
    assert status == 503, body
    assert '"engine_unavailable"' in body
    assert seconds < BUDGET_SECONDS


class TcpProxy:
    """Forwards a local port to the engine; stopping it looks like the engine going away."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self._server: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._running = threading.Event()

    def start(self) -> None:
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._server.settimeout(0.05)
        self._running.set()
        threading.Thread(target=self._accept, args=(self._server,), daemon=True).start()

    def stop(self) -> None:
        self._running.clear()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._server is not None:
            self._server.close()
            self._server = None

    def _accept(self, server: socket.socket) -> None:
        while self._running.is_set():
            try:
                downstream, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            downstream.settimeout(None)
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [downstream, upstream]
            for source, sink in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxy(es_url: str) -> Iterator[TcpProxy]:
    parts = urlsplit(engine_urls(es_url)[0])
    proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 9200))
    proxy.start()
    yield proxy
    proxy.stop()


def test_the_client_recovers_by_itself_when_the_engine_comes_back(
    proxy: TcpProxy, loaded_alias: str
) -> None:
    settings = Settings(es_url=f"http://127.0.0.1:{proxy.port}", index_alias=loaded_alias)
    # The app makes its own client, exactly as in production.
    client = create_app(settings).test_client()
    assert client.get("/api/search?q=Karabakh").status_code == 200

    proxy.stop()
    for _ in range(3):
        status, seconds, _ = timed_get(client, "/api/search?q=Karabakh")
        assert status == 503
        assert seconds < BUDGET_SECONDS
    assert client.get("/healthz").status_code == 503

    proxy.start()
    # No restart, no new client: the very next request reaches the engine again.
    answer = client.get("/api/search?q=Karabakh")
    assert answer.status_code == 200
    assert answer.get_json()["total"] == 5
    assert client.get("/healthz").status_code == 200
