"""The lean HTTP node: what it sends, every body form it reads, keep-alive, and its failures.

A real socket server on loopback answers with canned bytes (the engine's side of HTTP/1.1);
search/es.py's client uses this node for plain http (the integration tests use it throughout).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from elastic_transport import ConnectionError, ConnectionTimeout, HttpHeaders, NodeConfig

from search.config import Settings
from search.es import make_client
from search.http_node import PlainHttpNode

JSON = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"

# What one connection does with each request it reads: the bytes to answer (None: close).
Answer = Callable[[bytes], bytes | None]


class Server:
    """A loopback HTTP server answering each request with `answer`; it records the requests
    and how many connections it accepted."""

    def __init__(self, answer: Answer, *, close_after_answer: bool = False) -> None:
        self.answer = answer
        self.close_after_answer = close_after_answer
        self.requests: list[bytes] = []
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            buffered = b""
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                buffered += data
                head, sep, rest = buffered.partition(b"\r\n\r\n")
                if not sep:
                    continue
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if len(rest) < length:
                    continue
                request, buffered = head + sep + rest[:length], rest[length:]
                self.requests.append(request)
                answer = self.answer(request)
                if answer is None:
                    return
                conn.sendall(answer)
                if self.close_after_answer:
                    return

    def close_connections(self) -> None:
        """Close every accepted connection, as an engine restarting does."""
        for conn in self._open:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        time.sleep(0.05)

    def close(self) -> None:
        self._listener.close()
        self.close_connections()


# Starts a server answering as told and makes a node for it (1 s request timeout).
Serve = Callable[..., tuple[Server, PlainHttpNode]]


@pytest.fixture
def serve() -> Iterator[Serve]:
    made: list[tuple[Server, PlainHttpNode]] = []

    def make(answer: Answer, *, close_after_answer: bool = False) -> tuple[Server, PlainHttpNode]:
        server = Server(answer, close_after_answer=close_after_answer)
        node = PlainHttpNode(NodeConfig("http", "127.0.0.1", server.port, request_timeout=1.0))
        made.append((server, node))
        return server, node

    yield make
    for server, node in made:
        node.close()
        server.close()


def fixed(body: bytes, extra: bytes = b"") -> Answer:
    return lambda _: JSON + b"content-length: %d\r\n" % len(body) + extra + b"\r\n" + body


def test_the_request_is_one_http_11_message_with_host_headers_and_length(serve: Serve) -> None:
    server, node = serve(fixed(b"{}"))
    headers = HttpHeaders({"content-type": "application/json", "x-opaque-id": "a b"})
    node.perform_request("POST", "/idx/_search?q=1", b'{"size":0}', headers=headers)
    [request] = server.requests
    head, _, body = request.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /idx/_search?q=1 HTTP/1.1"
    assert f"Host: 127.0.0.1:{server.port}".encode() in lines
    assert b"content-type: application/json" in lines
    assert b"x-opaque-id: a b" in lines
    assert b"connection: keep-alive" in lines
    assert b"Content-Length: 10" in lines
    assert body == b'{"size":0}'


def test_a_get_without_a_body_sends_no_length(serve: Serve) -> None:
    server, node = serve(fixed(b"{}"))
    node.perform_request("GET", "/")
    assert b"content-length" not in server.requests[0].lower()


def test_a_fixed_length_answer_is_read_with_its_status_and_headers(serve: Serve) -> None:
    _, node = serve(fixed(b'{"took":1}', b"X-elastic-product: Elasticsearch\r\n"))
    meta, body = node.perform_request("GET", "/")
    assert (meta.status, body) == (200, b'{"took":1}')
    assert meta.headers["x-elastic-product"] == "Elasticsearch"
    assert meta.mimetype == "application/json"


def test_a_chunked_answer_is_joined_and_its_trailers_skipped(serve: Serve) -> None:
    chunked = (
        b'transfer-encoding: chunked\r\n\r\n5\r\n{"a":\r\n3;x=y\r\n1}\n\r\n0\r\nTrailer: t\r\n\r\n'
    )
    _, node = serve(lambda _: JSON + chunked)
    assert node.perform_request("GET", "/").body == b'{"a":1}\n'
    # The connection stays usable after the trailers.
    assert node.perform_request("GET", "/").body == b'{"a":1}\n'


def test_a_head_answer_has_no_body_whatever_its_length_says(serve: Serve) -> None:
    server, node = serve(lambda _: b"HTTP/1.1 404 Not Found\r\ncontent-length: 60\r\n\r\n")
    meta, body = node.perform_request("HEAD", "/alias")
    assert (meta.status, body) == (404, b"")
    node.perform_request("HEAD", "/alias")
    assert server.connections == 1


def test_an_answer_without_length_ends_with_the_connection(serve: Serve) -> None:
    server, node = serve(lambda _: JSON + b"connection: close\r\n\r\n{}", close_after_answer=True)
    assert node.perform_request("GET", "/").body == b"{}"
    assert node.perform_request("GET", "/").body == b"{}"
    assert server.connections == 2


def test_connections_are_kept_alive_and_reused(serve: Serve) -> None:
    server, node = serve(fixed(b"{}"))
    for _ in range(5):
        node.perform_request("GET", "/")
    assert server.connections == 1


def test_a_connection_the_engine_closed_while_idle_is_replaced_without_an_error(
    serve: Serve,
) -> None:
    server, node = serve(fixed(b"{}"))
    node.perform_request("GET", "/")
    server.close_connections()
    assert node.perform_request("GET", "/").body == b"{}"
    assert server.connections == 2


def test_threads_share_the_node_each_on_its_own_connection(serve: Serve) -> None:
    server, node = serve(fixed(b"{}"))
    bodies: list[bytes] = []

    def search() -> None:
        for _ in range(20):
            bodies.append(node.perform_request("GET", "/").body)

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bodies == [b"{}"] * 80
    assert server.connections <= 4


def test_a_refused_connection_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    node = PlainHttpNode(NodeConfig("http", "127.0.0.1", port))
    with pytest.raises(ConnectionError):
        node.perform_request("GET", "/")


def test_a_node_that_never_answers_is_a_timeout_within_the_request_timeout(serve: Serve) -> None:
    _, node = serve(lambda _: b"")
    started = time.monotonic()
    with pytest.raises(ConnectionTimeout):
        node.perform_request("GET", "/", request_timeout=0.3)
    assert 0.25 < time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "answer",
    [
        b"garbage\r\n\r\n",
        JSON + b"content-length: 10\r\n\r\n{}",
        JSON + b"transfer-encoding: chunked\r\n\r\nzz\r\n",
        JSON + b"no colon here\r\n\r\n",
    ],
)
def test_an_answer_cut_short_or_not_http_is_a_connection_error(serve: Serve, answer: bytes) -> None:
    # The server closes the connection after the answer, as a dying engine does.
    _, node = serve(lambda _: answer, close_after_answer=True)
    with pytest.raises(ConnectionError):
        node.perform_request("GET", "/")


def test_the_app_client_uses_it_for_plain_http_and_the_default_node_for_https() -> None:
    plain = make_client(Settings(es_url="http://127.0.0.1:9410,http://127.0.0.1:9411"))
    tls = make_client(Settings(es_url="https://127.0.0.1:9410"))
    try:
        assert {type(n) for n in plain.transport.node_pool.all()} == {PlainHttpNode}
        assert {type(n).__name__ for n in tls.transport.node_pool.all()} == {"Urllib3HttpNode"}
    finally:
        plain.close()
        tls.close()


def test_https_and_compression_are_refused() -> None:
    with pytest.raises(ValueError):
        PlainHttpNode(NodeConfig("https", "127.0.0.1", 9200))
    with pytest.raises(ValueError):
        PlainHttpNode(NodeConfig("http", "127.0.0.1", 9200, http_compress=True))
