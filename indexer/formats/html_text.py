"""Plain paragraphs from an HTML fragment (a feed entry's content or summary)."""

from __future__ import annotations

import lxml.html
from lxml import etree

from indexer.formats.records import paragraphs

# Elements that end a paragraph; their text is followed by a blank line.
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "blockquote", "li", "ul", "ol", "h1", "h2", "h3", "h4",
     "h5", "h6", "pre", "table", "tr", "figure", "figcaption", "header", "footer"}
)  # fmt: skip
_DROPPED = frozenset({"script", "style", "noscript", "template", "iframe", "object"})


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, one paragraph per block element; scripts and styles dropped."""
    if "<" not in fragment:
        return paragraphs(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return paragraphs(fragment)
    pieces: list[str] = []
    _collect(root, pieces)
    return paragraphs("".join(pieces))


def _collect(element: lxml.html.HtmlElement, pieces: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _DROPPED:
        pieces.append(element.tail or "")
        return
    if tag == "br":
        pieces.append("\n")
    elif element.text and tag:
        pieces.append(element.text)
    for child in element:
        _collect(child, pieces)
    if tag in _BLOCKS:
        pieces.append("\n\n")
    pieces.append(element.tail or "")
