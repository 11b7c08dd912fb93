"""Whether a webhook URL may be saved: the early check when an alert is created (pure).

The rule is the one for every URL fetched or called (outbound/policy.py, which the checker
applies when it delivers): http(s) only, and no loopback, private, link-local or otherwise
non-public address unless the operator allowed them; the engine's own address never. Here
only what the URL itself says is checked (its scheme, and its host when that is an address or
`localhost`): names are resolved when the checker delivers, where every address a name
resolves to is checked and the connection goes to the checked one, so a name that later
resolves elsewhere (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from outbound.policy import address_kind
from search.params import InvalidParam

_PORTS = {"http": 80, "https": 443}


def _endpoint(url: str) -> tuple[str, str, int]:
    """Scheme, host (lower case, no brackets) and port of an http(s) URL; InvalidParam else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidParam("webhook_url must be a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in _PORTS:
        raise InvalidParam("webhook_url must be an http or https URL")
    if not parts.hostname:
        raise InvalidParam("webhook_url must name a host")
    return scheme, parts.hostname.lower().rstrip("."), port or _PORTS[scheme]


def check_webhook_url(url: str, *, allow_private: bool, engine_url: str) -> None:
    """Refuse (InvalidParam) a webhook URL the delivery rules would never call."""
    _, host, port = _endpoint(url)
    _, engine_host, engine_port = _endpoint(engine_url)
    kind = _kind(host)
    # Any local name for the engine's port reaches the engine when the engine is local too.
    same_machine = kind is not None and _kind(engine_host) is not None
    if (host, port) == (engine_host, engine_port) or (same_machine and port == engine_port):
        raise InvalidParam("webhook_url must not be the search engine's address")
    if kind is not None and not allow_private:
        raise InvalidParam(f"webhook_url must be a public address, not a {kind} one")


def _kind(host: str) -> str | None:
    """What kind of non-public address the host names by itself; None for a public one or a
    name (names are checked where they are resolved)."""
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        return address_kind(ipaddress.ip_address(host))
    except ValueError:
        return None
