"""Saved or fetched web pages: the article text and metadata, found with trafilatura."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from datetime import date
from typing import Any

import trafilatura
from lxml.html import HtmlElement

from articles import Article
from indexer.formats.dates import date_from_dateline, parse_date_text
from indexer.formats.records import Origin, ParsedArticle, ParseFailure, Record, one_line

# Less text than this is a navigation page, a cookie wall or an error page, not an article.
MIN_ARTICLE_CHARS = 200
# Where pages declare when they were published, in the order we trust them. Only these explicit
# declarations count: trafilatura's own date search also guesses from URLs and page furniture
# (a copyright year becomes 1 January), and a guessed date is an invented one.
_META_DATES = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "citation_publication_date",
)


def read_html_page(data: bytes, path: str, *, url: str | None = None) -> Iterator[Record]:
    """The article of one HTML page; a page without one is a failure."""
    origin = Origin(path)
    tree = trafilatura.load_html(data)
    if tree is None:
        yield ParseFailure(origin, "not a readable HTML page")
        return
    published = metadata_date(tree)
    language = (tree.get("lang") or "").split("-")[0].strip().lower() or None
    # favor_precision: a page's menus and related-story teasers must not become body text.
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    title = one_line(getattr(document, "title", None) or "")
    # trafilatura puts one paragraph per line, the headline often among them.
    lines = [one_line(line) for line in (getattr(document, "text", None) or "").splitlines()]
    kept = [line for line in lines if line and line != title]
    text = "\n\n".join(kept)
    if len(text) < MIN_ARTICLE_CHARS:
        yield ParseFailure(origin, "no article text found on the page")
        return
    if not title:
        yield ParseFailure(origin, "the page has no title")
        return
    article = Article(
        title=title,
        body=text,
        url=url or getattr(document, "url", None) or None,
        published=published or next(filter(None, map(date_from_dateline, kept[:2])), None),
        source=one_line(getattr(document, "sitename", None) or "") or None,
        language=language,
        categories=tuple(getattr(document, "categories", None) or ()),
    )
    yield ParsedArticle(article, origin)


def metadata_date(tree: HtmlElement) -> date | None:
    """The publication date a page declares in its markup (meta tags, JSON-LD, <time>)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _META_DATES and meta.get("content"):
            found.setdefault(key, meta.get("content", ""))
    for key in _META_DATES:
        if key in found and (value := parse_date_text(found[key])):
            return value
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            value = _json_ld_date(script.text)
            if value:
                return value
    for time_element in tree.iter("time"):
        if time_element.get("itemprop") == "datePublished" or "pubdate" in time_element.attrib:
            value = parse_date_text(time_element.get("datetime") or time_element.text_content())
            if value:
                return value
    return None


def _json_ld_date(text: str) -> date | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        # Broken or absurdly nested metadata says nothing trustworthy about the date.
        return None
    stack: deque[Any] = deque([data])
    while stack:
        item = stack.popleft()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str) and (found := parse_date_text(value)):
                return found
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return None
