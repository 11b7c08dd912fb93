"""GET a URL under one deadline and a byte cap, checking every hop and every address."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from outbound.policy import AddressPolicy, FetchError, IPAddress, Target, parse_target

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Bytes asked of the socket per read: the deadline and the cap are checked between reads.
_READ_SIZE = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """The body of a fetched URL with its final address and declared type."""

    url: str
    data: bytes
    content_type: str | None


def fetch(
    url: str,
    *,
    policy: AddressPolicy,
    deadline: float,
    max_bytes: int,
    max_redirects: int,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """GET `url`, following redirects, all within `deadline` seconds and `max_bytes` of body.

    Raises FetchRefusedError for a URL or address the policy refuses (on any hop) and
    FetchError for everything else that keeps the body from arriving whole and in time.
    """
    stop_at = time.monotonic() + deadline
    current = url
    for _ in range(max_redirects + 1):
        target = parse_target(current)
        addresses = policy.addresses(target, timeout=_remaining(stop_at, deadline))
        with _Exchange(target, addresses, current, stop_at, deadline, headers or {}) as answer:
            location = answer.getheader("Location")
            if answer.status in _REDIRECTS and location:
                current = urljoin(current, location.strip())
                continue
            if answer.status >= 400:
                raise FetchError(f"HTTP {answer.status} {answer.reason}")
            data = _read_body(answer, stop_at, deadline, max_bytes)
            return Fetched(current, data, answer.getheader("Content-Type"))
    raise FetchError(f"more than {max_redirects} redirects")


class _Exchange:
    """One request on a connection to a checked address, cut off at the deadline.

    The deadline is kept by a timer that shuts the socket down: a socket timeout alone bounds
    each read, not the whole, and a server that sends a byte a second would never be cut off.
    """

    def __init__(
        self,
        target: Target,
        addresses: list[IPAddress],
        url: str,
        stop_at: float,
        deadline: float,
        headers: dict[str, str],
        *,
        method: str = "GET",
        body: bytes | None = None,
    ) -> None:
        self.target, self.addresses, self.url = target, addresses, url
        self.stop_at, self.deadline, self.headers = stop_at, deadline, headers
        self.method, self.body = method, body
        self.sock: socket.socket | None = None
        self.timer: threading.Timer | None = None
        self.expired = threading.Event()

    def __enter__(self) -> http.client.HTTPResponse:
        remaining = _remaining(self.stop_at, self.deadline)
        raw = _connect(self.addresses, self.target.port, remaining, self.deadline)
        self.sock = raw
        self.timer = threading.Timer(remaining, self._expire)
        self.timer.daemon = True
        self.timer.start()
        try:
            connection = http.client.HTTPConnection(self.target.host, self.target.port)
            if self.target.scheme == "https":
                context = ssl.create_default_context()
                # The certificate is checked against the name, the socket goes to the address.
                connection.sock = context.wrap_socket(raw, server_hostname=self.target.host)
            else:
                connection.sock = raw
            parts = urlsplit(self.url)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request(self.method, path, body=self.body, headers=self.headers)
            return connection.getresponse()
        except Exception as exc:
            self._close()
            raise self._why(exc) from None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        self._close()
        if exc is not None and not isinstance(exc, FetchError):
            raise self._why(exc) from None

    def _close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.sock is not None:
            self.sock.close()

    def _expire(self) -> None:
        self.expired.set()
        if self.sock is not None:
            with contextlib.suppress(OSError):  # closed already
                self.sock.shutdown(socket.SHUT_RDWR)

    def _why(self, exc: BaseException) -> FetchError:
        if isinstance(exc, FetchError):
            return exc
        if self.expired.is_set() or isinstance(exc, TimeoutError):
            return _too_slow(self.deadline)
        if isinstance(exc, ssl.SSLError):
            return FetchError(f"cannot fetch: TLS: {exc.reason or exc}")
        if isinstance(exc, http.client.HTTPException | OSError):
            return FetchError(f"cannot fetch: {type(exc).__name__}: {exc}")
        raise exc


def _connect(
    addresses: list[IPAddress], port: int, timeout: float, deadline: float
) -> socket.socket:
    """A connection to the first checked address that answers."""
    problem: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout=timeout)
        except TimeoutError:
            raise _too_slow(deadline) from None
        except OSError as exc:
            problem = exc
    raise FetchError(f"cannot fetch: {problem.strerror if problem else 'no address'}")


def _read_body(
    answer: http.client.HTTPResponse, stop_at: float, deadline: float, max_bytes: int
) -> bytes:
    declared = answer.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise FetchError(f"larger than {_size(max_bytes)} (declared {_size(int(declared))})")
    chunks: list[bytes] = []
    size = 0
    while chunk := answer.read1(_READ_SIZE):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"larger than {_size(max_bytes)}")
        if time.monotonic() > stop_at:
            raise _too_slow(deadline)
        chunks.append(chunk)
    # The deadline's timer shuts the socket: a body without a declared length then just ends.
    if time.monotonic() >= stop_at:
        raise _too_slow(deadline)
    return b"".join(chunks)


def _remaining(stop_at: float, deadline: float) -> float:
    left = stop_at - time.monotonic()
    if left <= 0:
        raise _too_slow(deadline)
    return left


def _too_slow(deadline: float) -> FetchError:
    return FetchError(f"no complete answer within {deadline:g}s")


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):g} MiB" if count >= 1024 * 1024 else f"{count:,} bytes"
