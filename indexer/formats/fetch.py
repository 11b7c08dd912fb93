"""Fetching feeds and pages given as URLs, under the limits of `articles.limits`.

The rules themselves (schemes, addresses, redirects, deadline, byte cap) live in the top-level
`outbound` package, which depends on nothing of ours, so that the search side can reuse them.
"""

from __future__ import annotations

from articles.limits import FETCH_DEADLINE_SECONDS, FETCH_MAX_BYTES, FETCH_MAX_REDIRECTS
from outbound import AddressPolicy, Fetched, FetchError, fetch, is_http_url

__all__ = ["PUBLIC_ONLY", "USER_AGENT", "FetchError", "Fetched", "fetch_url", "is_url"]

USER_AGENT = "news-search-indexer/0.1"
# What the load command tells the operator when a URL leads to a private address.
PRIVATE_HINT = "pass --allow-private-urls to fetch it"
PUBLIC_ONLY = AddressPolicy(hint=PRIVATE_HINT)


def is_url(text: str) -> bool:
    """Whether an input argument is an http(s) URL rather than a path."""
    return is_http_url(text)


def fetch_url(
    url: str,
    *,
    timeout: float = FETCH_DEADLINE_SECONDS,
    policy: AddressPolicy = PUBLIC_ONLY,
    max_bytes: int = FETCH_MAX_BYTES,
) -> Fetched:
    """GET `url` within `timeout` seconds in all, every redirect hop checked against `policy`."""
    return fetch(
        url,
        policy=policy,
        deadline=timeout,
        max_bytes=max_bytes,
        max_redirects=FETCH_MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
    )
