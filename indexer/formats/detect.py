"""Which format an input is in, from its file extension, its Content-Type and its first bytes."""

from __future__ import annotations

from typing import Literal

Format = Literal["text", "jsonl", "json", "csv", "tsv", "feed", "html"]

# Extensions that name their format outright. `.xml` is not here: it may be a feed or anything.
SUFFIX_FORMATS: dict[str, Format] = {
    ".txt": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".rss": "feed",
    ".atom": "feed",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
# Extensions a folder walk picks up; other files in a folder (READMEs, images) are not inputs.
INPUT_SUFFIXES = frozenset({*SUFFIX_FORMATS, ".xml"})

_CONTENT_TYPES: dict[str, Format] = {
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/plain": "text",
}
# How much of an input the content sniffing looks at.
SNIFF_BYTES = 4096


def detect_format(suffix: str, head: bytes, content_type: str | None = None) -> Format | None:
    """The input's format: its extension if that is unambiguous, else its type, else its content."""
    by_suffix = SUFFIX_FORMATS.get(suffix.lower())
    if by_suffix is not None:
        return by_suffix
    mime = (content_type or "").split(";")[0].strip().lower()
    # Servers label feeds and pages alike as XML or plain text often enough to sniff those too.
    if mime in _CONTENT_TYPES and mime not in ("text/plain",):
        return _CONTENT_TYPES[mime]
    sniffed = sniff_format(head)
    if sniffed is None and mime == "text/plain":
        return "text"
    return sniffed


def sniff_format(head: bytes) -> Format | None:
    """The format the first bytes of an input show: a feed, a page, or JSON; None if unclear."""
    text = head[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        if b"<rss" in text or b"<feed" in text or b"<rdf:rdf" in text:
            return "feed"
        if b"<!doctype html" in text or b"<html" in text:
            return "html"
        return None
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        # One whole object on the first line is JSON Lines; an object spread over lines is JSON.
        first = text.split(b"\n", 1)[0].rstrip()
        return "jsonl" if first.endswith(b"}") else "json"
    return None
