"""Fingerprints of an article: a hash of its content, and the keys that make two records one."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from articles import Article

# Query parameters that only say where a reader clicked from; the same article either way.
_TRACKING = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "ref"})


def content_hash(article: Article) -> str:
    """A hash of everything the input says about the article; it changes when any field does."""
    fields = [
        article.title,
        article.body,
        article.published.isoformat() if article.published else None,
        article.source,
        article.section,
        # Tracking parameters or a trailing slash are not a new version of the article.
        normalise_url(article.url) if article.url else None,
        article.language,
        list(article.categories),
    ]
    encoded = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:32]


def duplicate_keys(article: Article) -> tuple[str, ...]:
    """Keys shared by records of the same article: its normalised URL, and its source and title."""
    title = " ".join(article.title.casefold().split())
    keys = [_key("title", (article.source or "").casefold().strip(), title)]
    if article.url:
        keys.insert(0, _key("url", normalise_url(article.url)))
    return tuple(keys)


def normalise_url(url: str) -> str:
    """The URL with case-insensitive parts lowered, and fragment and tracking parameters dropped."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query) if not _is_tracking(k)]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), path, urlencode(sorted(query)), "")
    )


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in _TRACKING or name.startswith("utm_")


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]
    return f"{kind}:{digest}"
