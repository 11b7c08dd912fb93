"""A lean HTTP/1.1 node for the Elasticsearch client's transport (plain http, keep-alive).

The client's transport keeps everything that matters when nodes fail (the node pool, retries on
another node, dead-node backoff, timeouts: search/es.py); only the last step, sending a request
to one node and reading its answer, is done here instead of by urllib3 and http.client. Those
cost about 0.6 ms of CPU per search in the app (header objects, the `email` parser reading the
answer's headers, retries and pool bookkeeping the transport already does), as much as the
rest of the app put together (bench/profile_app.py); this node costs about a tenth of that.

It speaks only what Elasticsearch answers over plain HTTP/1.1: a status line, headers, and a
body of a fixed length, chunked, or up to the end of the connection. https, compression and
proxies are left to the client's default node (search/es.py chooses).
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
import weakref
from collections import deque
from typing import Any

from elastic_transport import (
    ApiResponseMeta,
    BaseNode,
    ConnectionError,
    ConnectionTimeout,
    HttpHeaders,
    NodeConfig,
)

# What BaseNode.perform_request returns; the package does not export it (pinned version).
from elastic_transport._node._base import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType

# Answers without a body whatever their headers say (RFC 9110, 6.4.1).
_NO_BODY_STATUS = frozenset((204, 304))
# Longest status or header line accepted: a longer one is no Elasticsearch answer.
_MAX_LINE = 65536
_READ_SIZE = 65536


class ProtocolError(Exception):
    """The node's answer was no HTTP/1.1 this node can read."""


class _Connection:
    """One keep-alive connection: its socket and the buffered reader over it."""

    __slots__ = ("reader", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader = sock.makefile("rb", buffering=_READ_SIZE)

    def dropped(self) -> bool:
        """Whether the node closed this idle connection (it is readable: EOF or stray bytes)."""
        # poll, not select: select refuses file descriptors past 1023.
        poller = select.poll()
        poller.register(self.sock, select.POLLIN)
        try:
            return bool(poller.poll(0))
        except OSError:
            return True

    def close(self) -> None:
        """Close the reader and the socket, ignoring errors (the connection is given up)."""
        for closing in (self.reader, self.sock):
            with contextlib.suppress(OSError):
                closing.close()


class PlainHttpNode(BaseNode):
    """A node reached over plain HTTP/1.1 with keep-alive connections (thread-safe)."""

    _CLIENT_META_HTTP_CLIENT = ("pl", "1.0")

    def __init__(self, config: NodeConfig) -> None:
        if config.scheme != "http" or config.http_compress:
            raise ValueError("PlainHttpNode speaks plain, uncompressed http only")
        super().__init__(config)
        # Idle connections, the most recent last: a thread takes one (deque.pop and append
        # are atomic) and gives it back once the answer is read whole.
        self._idle: deque[_Connection] = deque()
        # A client dropped without close() still closes its sockets (as urllib3's pools do).
        weakref.finalize(self, _close_all, self._idle)
        self._max_idle = max(1, config.connections_per_node)
        self._timeout = config.request_timeout
        self._host_header = f"Host: {self.host}:{self.port}\r\n".encode("latin-1")

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        """Send one request to the node and read its answer (see BaseNode.perform_request)."""
        if self.path_prefix:
            target = f"{self.path_prefix}{target}"
        timeout = self._timeout if isinstance(request_timeout, DefaultType) else request_timeout
        request_headers = self._headers.copy()
        if headers:
            request_headers.update(headers)
        start = time.time()
        connection: _Connection | None = None
        try:
            connection = self._connection(timeout)
            payload = self._request(method, target, body, request_headers)
            connection.sock.settimeout(_remaining(start, timeout))
            connection.sock.sendall(payload)
            status, response_headers, data, keep = _read_response(connection, method)
        except (OSError, ValueError, ProtocolError) as exc:
            # OSError: refused, reset, timed out; ValueError: a number that is none.
            if connection is not None:
                connection.close()
            err = _transport_error(exc)
            self._log_request(method, target, request_headers, body, exception=err)
            raise err from exc
        if keep and len(self._idle) < self._max_idle:
            self._idle.append(connection)
        else:
            connection.close()
        meta = ApiResponseMeta(
            node=self.config,
            duration=time.time() - start,
            http_version="1.1",
            status=status,
            headers=response_headers,
        )
        self._log_request(method, target, request_headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)

    def close(self) -> None:
        """Close every idle connection (those in use close when their request ends)."""
        _close_all(self._idle)

    def _connection(self, timeout: float | None) -> _Connection:
        """An idle connection the node has not closed, else a new one."""
        while self._idle:
            try:
                connection = self._idle.pop()
            except IndexError:  # another thread took the last one
                break
            if not connection.dropped():
                return connection
            connection.close()
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        # Each request is one write; waiting to fill a packet would only delay it.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return _Connection(sock)

    def _request(self, method: str, target: str, body: bytes | None, headers: HttpHeaders) -> bytes:
        """The request's bytes: request line, headers, body."""
        lines = [f"{method} {target} HTTP/1.1\r\n".encode("latin-1"), self._host_header]
        lines += [f"{name}: {value}\r\n".encode("latin-1") for name, value in headers.items()]
        if body is not None or method in ("POST", "PUT"):
            lines.append(b"Content-Length: %d\r\n" % len(body or b""))
        lines.append(b"\r\n")
        if body:
            lines.append(body)
        return b"".join(lines)


def _close_all(idle: deque[_Connection]) -> None:
    """Close the idle connections of a node."""
    while idle:
        try:
            idle.pop().close()
        except IndexError:  # another thread took the last one
            break


def _remaining(start: float, timeout: float | None) -> float | None:
    """The time left of the request's timeout (None: no timeout), never quite none."""
    if timeout is None:
        return None
    return max(timeout - (time.time() - start), 0.001)


def _read_response(connection: _Connection, method: str) -> tuple[int, HttpHeaders, bytes, bool]:
    """Status, headers, body and whether the connection may be used again."""
    reader = connection.reader
    status_line = _line(reader)
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise ProtocolError(f"not an HTTP/1.x status line: {status_line[:80]!r}")
    status = int(parts[1])
    headers: dict[str, str] = {}
    while (line := _line(reader)) != b"":
        name, sep, value = line.partition(b":")
        if not sep:
            raise ProtocolError(f"not a header line: {line[:80]!r}")
        key = name.decode("latin-1").strip().lower()
        text = value.decode("latin-1").strip()
        # Repeated headers are joined as RFC 9110 5.3 says (as urllib3 gives them).
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    keep = headers.get("connection", "").lower() != "close" and parts[0] == b"HTTP/1.1"
    if method == "HEAD" or status in _NO_BODY_STATUS or 100 <= status < 200:
        data = b""
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        data = _chunked(reader)
    elif (length := headers.get("content-length")) is not None:
        data = _exactly(reader, int(length))
    else:
        data = reader.read()
        keep = False
    return status, HttpHeaders(headers), data, keep


def _line(reader: Any) -> bytes:
    """One line without its CRLF; a closed connection is an error (no answer ends there)."""
    line: bytes = reader.readline(_MAX_LINE + 1)
    if not line.endswith(b"\n"):
        raise ProtocolError(
            "connection closed mid-answer" if len(line) <= _MAX_LINE else "line too long"
        )
    return line.rstrip(b"\r\n")


def _exactly(reader: Any, size: int) -> bytes:
    """`size` bytes of the body; fewer means the connection was cut."""
    data: bytes = reader.read(size)
    if len(data) != size:
        raise ProtocolError(f"body cut short: {len(data)} of {size} bytes")
    return data


def _chunked(reader: Any) -> bytes:
    """A chunked body (RFC 9112 7.1), trailers skipped."""
    chunks = []
    while True:
        size = int(_line(reader).split(b";", 1)[0], 16)
        if size == 0:
            break
        chunks.append(_exactly(reader, size))
        if _line(reader) != b"":
            raise ProtocolError("chunk not followed by CRLF")
    while _line(reader) != b"":
        pass
    return b"".join(chunks)


def _transport_error(exc: Exception) -> Exception:
    """The transport's error for what went wrong, so it retries and marks nodes as it does
    for its own nodes: a timeout is ConnectionTimeout, anything else ConnectionError."""
    if isinstance(exc, TimeoutError):
        return ConnectionTimeout("Connection timed out during request", errors=(exc,))
    return ConnectionError(str(exc) or type(exc).__name__, errors=(exc,))
