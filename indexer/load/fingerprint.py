"""An article's fingerprints: its document id, a content hash, the keys that make two records one.

With where and when it was read, they are the provenance its document carries.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from articles import Article
from indexer.documents import Provenance

# Query parameters that only say where a reader clicked from; the same article either way.
_TRACKING = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "ref"})


def document_id(article: Article) -> str:
    """A stable id: the record's own, else one derived from its URL, else from source and title.

    Loading the same input twice must overwrite rather than duplicate, so the id may depend
    only on the article's identity, never on load order or time.
    """
    if article.id:
        return article.id
    if article.url:
        identity = "url\x1f" + article.url.strip()
    else:
        title = " ".join(article.title.casefold().split())
        identity = f"title\x1f{(article.source or '').casefold()}\x1f{title}"
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:20]


def provenance_of(
    article: Article, *, origin: str | None = None, ingested_at: str | None = None
) -> Provenance:
    """The provenance of an article taken as it is: its own id, content hash and duplicate keys."""
    return Provenance(
        doc_id=document_id(article),
        content_hash=content_hash(article),
        duplicate_keys=duplicate_keys(article),
        origin=origin,
        ingested_at=ingested_at,
    )


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
