"""Fetching feeds and pages given as URLs."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

USER_AGENT = "news-search-indexer/0.1"
# Feeds and article pages are small; anything bigger is not what the user meant to load.
MAX_BYTES = 50 * 1024 * 1024


class FetchError(OSError):
    """A URL that could not be fetched; the message says why."""


@dataclass(frozen=True)
class Fetched:
    """The body of a fetched URL with its final address and declared type."""

    url: str
    data: bytes
    content_type: str | None


def is_url(text: str) -> bool:
    """Whether an input argument is an http(s) URL rather than a path."""
    return text.startswith(("http://", "https://"))


def fetch_url(url: str, *, timeout: float = 30.0) -> Fetched:
    """GET `url`, following redirects; HTTP errors, timeouts and huge bodies raise FetchError."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise FetchError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
            return Fetched(response.geturl(), data, response.headers.get("Content-Type"))
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"cannot fetch: {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"no answer within {timeout:.0f}s") from None
