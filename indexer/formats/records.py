"""What every input format yields: an article with where it came from, or a failure saying why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from articles import Article

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ParseError(ValueError):
    """A record that cannot be read; the message says why."""


@dataclass(frozen=True)
class Origin:
    """Where a record came from: the input (file or URL), and the line or feed entry in it."""

    path: str
    line: int | None = None
    entry: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.path}:{self.line}"
        if self.entry is not None:
            return f"{self.path} [entry {self.entry}]"
        return self.path


@dataclass(frozen=True)
class ParsedArticle:
    """An article read from an input, with where it came from."""

    article: Article
    origin: Origin
    # What the door changed on the way in (a date cleared, a body cut), for the load to list.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParseFailure:
    """A record or a whole input that could not be read."""

    origin: Origin
    reason: str


Record = ParsedArticle | ParseFailure


def clean_text(text: str) -> str:
    """Normalise newlines and drop control characters that only confuse tokenizers and HTML."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """Collapse all whitespace runs to single spaces (titles, names)."""
    return " ".join(clean_text(text).split())


def paragraphs(text: str) -> str:
    """Body text as paragraphs separated by one blank line, each paragraph on one line."""
    parts = (" ".join(p.split()) for p in re.split(r"\n\s*\n", clean_text(text)))
    return "\n\n".join(p for p in parts if p)


def text_field(record: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    """A string field of a record, stripped; None when absent or blank."""
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ParseError(f"missing field '{name}'")
        return None
    if not isinstance(value, str):
        raise ParseError(f"field '{name}' must be a string, got {type(value).__name__}")
    return value.strip()


def decode_utf8(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); other encodings are reported, never guessed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text (byte {exc.start})") from None


def unexpected(exc: BaseException) -> str:
    """The reason given for a record that failed in a way no reader foresaw."""
    detail = str(exc).replace("\n", " ")[:200]
    return f"cannot be read ({type(exc).__name__}{': ' + detail if detail else ''})"
