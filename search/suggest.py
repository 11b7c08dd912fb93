"""Search as you type: titles and entity names for what has been typed so far.

One request over two indices, with two completion suggesters on their shared `suggest` field
(articles/suggest.py): entity names with their kind from the names index, most-mentioned first,
and article titles from the articles, newest first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from articles import ENTITY_TYPES, EntityType, name_of, names_alias
from search.limits import MAX_TITLE_CHARS, capped
from search.models import ApiModel, Args, Day
from search.params import filter_args
from search.results import day

NAMES = 5
TITLES = 5
# Typos are forgiven from this many characters on: "kham" should not turn into "khan".
FUZZY_FROM = 4


class NameSuggestion(ApiModel):
    """An entity whose name has a word starting with what was typed."""

    kind: EntityType
    text: str
    # Where picking it leads: the search filtered on it (set by the page, which knows URLs).
    url: str = ""

    @property
    def search_args(self) -> Args:
        """URL parameters of a search filtered on this entity."""
        return filter_args(self.kind, self.text)


class TitleSuggestion(ApiModel):
    """An article whose title has a word starting with what was typed."""

    kind: Literal["title"] = "title"
    text: str
    id: str
    published: Day
    source: str | None
    # Where picking it leads: the article (set by the page, which knows URLs).
    url: str = ""


Suggestion = NameSuggestion | TitleSuggestion


class Suggestions(ApiModel):
    """The answer of `/api/suggest`: names (with their kind), most-mentioned first; then
    titles, newest first."""

    q: str
    suggestions: tuple[Suggestion, ...] = Field(description="Names first, then titles")


def build_suggest(prefix: str) -> dict[str, Any]:
    """The request body for suggestions of `prefix` (pure).

    Exact and typo-tolerant suggesters run side by side: the completion suggester keeps one
    option per article, so a fuzzy match could otherwise hide an exact one from the same article.
    """

    def completion(kinds: Sequence[str], size: int, *, fuzzy: bool) -> dict[str, Any]:
        options: dict[str, Any] = {
            "field": "suggest",
            "size": size,
            "contexts": {"kind": list(kinds)},
            # One entry per name, not one per article that mentions it.
            "skip_duplicates": True,
        }
        if fuzzy:
            options["fuzzy"] = {"fuzziness": "AUTO", "prefix_length": 1}
        return {"prefix": prefix, "completion": options}

    suggest = {
        "names": completion(ENTITY_TYPES, NAMES, fuzzy=False),
        "titles": completion(["title"], TITLES, fuzzy=False),
    }
    if len(prefix) >= FUZZY_FROM:
        suggest |= {
            "names_fuzzy": completion(ENTITY_TYPES, NAMES, fuzzy=True),
            "titles_fuzzy": completion(["title"], TITLES, fuzzy=True),
        }
    return {"size": 0, "_source": ["title", "published", "source"], "suggest": suggest}


def suggestions_from_response(response: Mapping[str, Any]) -> list[Suggestion]:
    """Names, then titles, exact matches before typo-tolerant ones, without repeats (pure)."""
    suggest: Mapping[str, Any] = response.get("suggest") or {}
    names: list[Suggestion] = []
    titles: list[Suggestion] = []
    seen: set[tuple[str, str]] = set()
    for option in [*_options(suggest, "names"), *_options(suggest, "names_fuzzy")]:
        kinds = (option.get("contexts") or {}).get("kind") or ()
        kind = next((k for k in kinds if k in ENTITY_TYPES), None)
        name = name_of(str(option.get("text") or ""))
        if kind and name and (kind, name.casefold()) not in seen and len(names) < NAMES:
            seen.add((kind, name.casefold()))
            names.append(NameSuggestion(kind=kind, text=name))
    for option in [*_options(suggest, "titles"), *_options(suggest, "titles_fuzzy")]:
        source: Mapping[str, Any] = option.get("_source") or {}
        title = capped(str(source.get("title") or ""), MAX_TITLE_CHARS)
        if title and ("title", title.casefold()) not in seen and len(titles) < TITLES:
            seen.add(("title", title.casefold()))
            titles.append(
                TitleSuggestion(
                    text=title,
                    id=str(option.get("_id")),
                    published=day(source.get("published")),
                    source=str(source["source"]) if source.get("source") else None,
                )
            )
    return names + titles


def _options(suggest: Mapping[str, Any], name: str) -> Sequence[Mapping[str, Any]]:
    entries: Sequence[Mapping[str, Any]] = suggest.get(name) or ()
    return [option for entry in entries for option in entry.get("options") or ()]


def suggest_indices(alias: str) -> str:
    """The indices a suggest request reads: the articles (titles) and their names index."""
    return f"{alias},{names_alias(alias)}"
