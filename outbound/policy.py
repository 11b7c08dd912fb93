"""Which URLs and addresses an outbound request may reach."""

from __future__ import annotations

import ipaddress
import queue
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = {"http": 80, "https": 443}


class FetchError(OSError):
    """A URL that could not be fetched; the message says why."""


class FetchRefusedError(FetchError):
    """A URL or address the policy does not allow; the message says why."""


@dataclass(frozen=True)
class Target:
    """Where one request goes: the URL's scheme, host name (or literal address) and port."""

    scheme: str
    host: str
    port: int


def is_http_url(text: str) -> bool:
    """Whether `text` is an http(s) URL rather than, say, a path."""
    return text.startswith(("http://", "https://"))


def parse_target(url: str) -> Target:
    """The scheme, host and port of an http(s) URL; anything else is refused."""
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefusedError(f"refused: not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise FetchRefusedError(f"refused: only http and https URLs are fetched, not {scheme!r}")
    if not parts.hostname:
        raise FetchRefusedError("refused: the URL has no host")
    return Target(scheme, parts.hostname, port or SCHEMES[scheme])


def address_kind(address: IPAddress) -> str | None:
    """Why an address is not on the public internet ("loopback", "private", ...), or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    ):
        if flag:
            return kind
    # Shared address space (100.64.0.0/10), documentation ranges, 6to4 relays and the like.
    return None if address.is_global else "reserved"


@dataclass(frozen=True)
class AddressPolicy:
    """Where requests may go: public addresses only, unless private ones are allowed.

    `refused` lists (address, port) pairs that are never reached, flag or not: the search
    engine's own endpoint, whose answers are not articles and may expose the index.
    """

    allow_private: bool = False
    refused: frozenset[tuple[str, int]] = field(default_factory=frozenset)
    # Told to the user when a private address is refused (the operator's way to allow it).
    hint: str = ""

    def addresses(self, target: Target, *, timeout: float) -> list[IPAddress]:
        """The checked addresses to connect to for `target`; refused if any of them is not."""
        found = _resolve(target.host, target.port, timeout=timeout)
        if not found:
            raise FetchError(f"cannot fetch: {target.host} has no address")
        for address in found:
            self.check(target, address)
        return found

    def check(self, target: Target, address: IPAddress) -> None:
        """Refuse `address` for `target` if the policy does not allow it."""
        if (str(address), target.port) in self.refused:
            raise FetchRefusedError(
                f"refused: {target.host}:{target.port} is the search engine's own address"
            )
        kind = address_kind(address)
        if kind is not None and not self.allow_private:
            named = target.host if target.host == str(address) else f"{target.host} ({address})"
            hint = f"; {self.hint}" if self.hint else ""
            raise FetchRefusedError(f"refused: {named} is a {kind} address{hint}")

    @classmethod
    def refusing(cls, urls: Iterable[str], **options: object) -> AddressPolicy:
        """A policy that also refuses the endpoints of `urls` (resolved now), e.g. the engine's."""
        refused: set[tuple[str, int]] = set()
        for url in urls:
            try:
                target = parse_target(url)
                refused.update((str(a), target.port) for a in _resolve(target.host, target.port))
            except OSError:
                continue  # an endpoint that does not resolve cannot be reached either
        return cls(refused=frozenset(refused), **options)  # type: ignore[arg-type]


def _resolve(host: str, port: int, *, timeout: float = 10.0) -> list[IPAddress]:
    """Every address `host` resolves to, within `timeout` (the resolver itself has none)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    answer: queue.Queue[list[IPAddress] | OSError] = queue.Queue(maxsize=1)

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            # Scope ids ("fe80::1%eth0") are dropped: the address is what the policy judges.
            addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
            answer.put(list(dict.fromkeys(addresses)))
        except OSError as exc:
            answer.put(exc)

    # A daemon thread: a resolver that never answers must not keep the process alive.
    threading.Thread(target=lookup, daemon=True).start()
    try:
        result = answer.get(timeout=max(timeout, 0.001))
    except queue.Empty:
        raise FetchError(f"cannot fetch: no address for {host} within {timeout:.0f}s") from None
    if isinstance(result, OSError):
        raise FetchError(f"cannot fetch: {host}: {result.strerror or result}") from None
    return result
