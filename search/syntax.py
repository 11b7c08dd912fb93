"""What a visitor typed, read forgivingly: prefixes become filters, the rest stays text (pure).

Nothing here can fail: whatever cannot be read as an operator or a prefix is kept as text, and
simple_query_string (which drops invalid syntax) gets the final word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import Field

from articles import FACETS
from search.models import ApiModel

# Prefixes a visitor may type, mapped to the facet they filter.
FIELD_PREFIXES: dict[str, str] = {
    "person": "person",
    "org": "organization",
    "organization": "organization",
    "loc": "location",
    "location": "location",
    "source": "source",
}

# `person:"Ali Khamenei"`, `-source:wikinews`, `loc:Iran`: at the start of a word, with a quoted
# value (an unclosed quote runs to the end) or a bare one.
_FIELD = re.compile(
    r'(?<![^\s(])(?P<neg>-?)(?P<name>[A-Za-z]+):(?:"(?P<quoted>[^"]*)(?:"|$)|(?P<bare>[^\s"()|]+))'
)
# A quoted phrase (possibly unclosed), or a run of anything else up to a quote or a space.
_TOKEN = re.compile(r'[-+]?"[^"]*(?:"|$)|[^\s"]+|"')
# A word as the standard tokenizer sees it, apostrophes inside included ("Azerbaijan's").
WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
# Words written joined by hyphens into one ("Jong-un", "COVID-19", "al-Sadr").
_HYPHENATED = re.compile(r"\w+(?:['\u2019]\w+)*(?:-\w+(?:['\u2019]\w+)*)+")
# Characters with a meaning in Lucene's regular expressions (the terms `include` syntax).
_REGEX_SPECIAL = frozenset('.?+*|{}[]()"\\#@&<>~')
# Operator words written in capitals, as people type them into other search boxes.
_OPERATORS = {"OR": "|", "AND": "+"}
# Characters simple_query_string reads as operators inside a token (the minus only leads).
_SYNTAX = frozenset("|()*~\\")


class FieldFilter(ApiModel):
    """A `prefix:value` from the query box: keep (or with `-`, drop) articles with that value."""

    facet: str = Field(serialization_alias="field", json_schema_extra={"enum": list(FACETS)})
    value: str
    negated: bool = Field(False, serialization_alias="exclude")


@dataclass(frozen=True)
class ParsedQuery:
    """The query box read: text for simple_query_string, filters, and the words to correct."""

    # Text for simple_query_string, OR/AND/NOT written as its `|`, `+` and `-`.
    text: str = ""
    filters: tuple[FieldFilter, ...] = ()
    # Plain words the visitor wants (not quoted, not excluded), in order: what typo tolerance
    # and "did you mean" work on.
    words: tuple[str, ...] = ()
    # `text` with each of those words made fuzzy (`word~1`), or "" when none can be.
    fuzzy_text: str = ""
    # Quoted phrases the visitor wants, without their quotes, in order.
    phrases: tuple[str, ...] = ()
    # What the visitor excluded (`-word`, `-"a phrase"`, `NOT word`), as typed after the minus.
    excluded: tuple[str, ...] = ()
    # Whether the text uses OR, grouping or operators of its own (`|`, `( )`, `word*`, `~`):
    # such a query keeps simple_query_string's reading, every word required.
    has_operators: bool = False
    # The last word, when the text ends with it (not quoted, not excluded): perhaps unfinished,
    # as in a search-as-you-type box.
    last_word: str | None = None
    # The plain words written joined by hyphens, each run in order ("Kim Jong-un": Jong, un).
    hyphenated: tuple[tuple[str, ...], ...] = ()

    @property
    def has_text(self) -> bool:
        """Whether any words are left once the filters are taken out."""
        return bool(WORD.search(self.text))


def lucene_regex_escape(text: str) -> str:
    """`text` as a literal in a Lucene regular expression: names never become syntax."""
    return "".join("\\" + char if char in _REGEX_SPECIAL else char for char in text)


def parse_query(q: str) -> ParsedQuery:
    """Read the query box: take out field prefixes, translate operator words, find plain words."""
    filters: list[FieldFilter] = []

    def take(match: re.Match[str]) -> str:
        facet = FIELD_PREFIXES.get(match["name"].lower())
        raw = match["quoted"] if match["quoted"] is not None else match["bare"]
        value = " ".join(raw.split())
        if facet is None or not value:
            return match[0]
        filters.append(FieldFilter(facet=facet, value=value, negated=match["neg"] == "-"))
        return " "

    rest = _FIELD.sub(take, q)
    tokens: list[str] = []
    fuzzy: list[str] = []
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    hyphenated: list[tuple[str, ...]] = []
    operators = False
    negate_next = False
    made_fuzzy = False
    for token in _TOKEN.findall(rest):
        if token in _OPERATORS and tokens:
            tokens.append(_OPERATORS[token])
            fuzzy.append(_OPERATORS[token])
            operators = operators or token == "OR"
            continue
        if token == "NOT":
            negate_next = True
            continue
        if negate_next and not token.startswith("-"):
            token = "-" + token.lstrip("+")
        negate_next = False
        tokens.append(token)
        if token.startswith("-"):
            if inner := _unquoted(token[1:]):
                excluded.append(token[1:])
            fuzzy.append(token)
            operators = operators or (bool(inner) and _has_operators(inner))
            continue
        if '"' in token:
            if inner := _unquoted(token.lstrip("+")):
                phrases.append(inner)
            fuzzy.append(token)
            continue
        operators = operators or _has_operators(token.lstrip("+"))
        words += WORD.findall(token)
        if _HYPHENATED.fullmatch(token.lstrip("+")):
            hyphenated.append(tuple(WORD.findall(token)))
        fuzzy_token = _fuzzy_token(token)
        made_fuzzy = made_fuzzy or fuzzy_token != token
        fuzzy.append(fuzzy_token)
    fuzzy_text = " ".join(fuzzy) if made_fuzzy else ""
    last = tokens[-1] if tokens else ""
    return ParsedQuery(
        text=" ".join(tokens),
        filters=tuple(dict.fromkeys(filters)),
        words=tuple(words),
        fuzzy_text=fuzzy_text,
        phrases=tuple(phrases),
        excluded=tuple(excluded),
        has_operators=operators,
        last_word=words[-1] if words and last.endswith(words[-1]) and '"' not in last else None,
        hyphenated=tuple(hyphenated),
    )


def _unquoted(token: str) -> str:
    """A token without its quotes and surrounding spaces ("" when nothing is left)."""
    return " ".join(token.replace('"', " ").split())


def _has_operators(token: str) -> bool:
    """Whether a word token holds simple_query_string syntax besides a leading `+`."""
    return any(char in _SYNTAX for char in token)


def edit_distance(word: str) -> int:
    """Typos forgiven in a word, as Elasticsearch's AUTO fuzziness: none, one, or two."""
    return 0 if len(word) < 3 else 1 if len(word) < 6 else 2


def _fuzzy_token(token: str) -> str:
    """`token` with its plain words written `word~N`, other characters kept in place."""
    if "~" in token or "*" in token:
        return token
    return WORD.sub(lambda m: f"{m[0]}~{n}" if (n := edit_distance(m[0])) else m[0], token)


def _same_word(typed: str, suggested: str) -> bool:
    """Whether a suggestion only changes case or a plural ending (sanction/sanctions): the
    search is stemmed, so such a "correction" would find the same articles."""
    a, b = sorted((typed.casefold(), suggested.casefold()), key=len)
    return b.startswith(a) and b[len(a) :] in ("", "s", "es")


def corrected_query(q: str, words: tuple[str, ...], suggestion: str) -> str | None:
    """`q` with its plain words replaced by the suggester's, None when they cannot be matched up.

    The phrase suggester answers lower-cased words in the same order; operators, quotes and
    prefixes of the original stay as they were.
    """
    replacements = suggestion.split()
    if len(replacements) != len(words) or not words:
        return None
    out: list[str] = []
    position = 0
    changed = False
    for word, better in zip(words, replacements, strict=True):
        found = q.find(word, position)
        if found < 0:
            return None
        out.append(q[position:found])
        if _same_word(word, better):
            out.append(word)
        else:
            out.append(better)
            changed = True
        position = found + len(word)
    out.append(q[position:])
    return "".join(out) if changed else None
