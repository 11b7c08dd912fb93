"""Search as you type: titles and entity names for what has been typed so far.

One request over two indices, with two completion suggesters on their shared `suggest` field
(articles/suggest.py): entity names with their kind from the names index, most-mentioned first,
and article titles from the articles, newest first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from articles import ENTITY_TYPES, name_of, names_alias
from search.query import InvalidParam, SearchParams, clean_text
from search.results import Args, day

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

# Longer input is not a prefix anyone is still typing; it is refused rather than cut.
MAX_PREFIX_LENGTH = 100
NAMES = 5
TITLES = 5
# Typos are forgiven from this many characters on: "kham" should not turn into "khan".
FUZZY_FROM = 4


@dataclass(frozen=True)
class Suggestion:
    """One suggestion: an entity (its kind and name) or an article (its title and id)."""

    kind: str
    text: str
    # Set for articles.
    id: str | None = None
    published: str | None = None
    source: str | None = None

    @property
    def search_args(self) -> Args:
        """For an entity, the URL parameters of a search filtered on it."""
        return SearchParams().toggled(self.kind, self.text).to_args()

    def to_dict(self) -> dict[str, Any]:
        """The API form (an article's id, date and source only for articles)."""
        base: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.kind == "title":
            base |= {"id": self.id, "published": self.published, "source": self.source}
        return base


def suggest_prefix(args: Any) -> str:
    """The `q` of a suggest request, cleaned; raises InvalidParam when it is too long."""
    values = args.getlist("q")
    prefix = clean_text(values[0]) if values else ""
    if len(prefix) > MAX_PREFIX_LENGTH:
        raise InvalidParam(f"q must be at most {MAX_PREFIX_LENGTH} characters")
    return prefix


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
            names.append(Suggestion(kind, name))
    for option in [*_options(suggest, "titles"), *_options(suggest, "titles_fuzzy")]:
        source: Mapping[str, Any] = option.get("_source") or {}
        title = str(source.get("title") or "")
        if title and ("title", title.casefold()) not in seen and len(titles) < TITLES:
            seen.add(("title", title.casefold()))
            titles.append(
                Suggestion(
                    "title",
                    title,
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


def run_suggest(client: Elasticsearch, prefix: str, alias: str) -> list[Suggestion]:
    """Suggestions for `prefix` from the articles behind `alias` and their names index.

    None for an empty prefix (nothing is sent). A names index not built yet (an index loaded
    before it existed; the next `load` builds it) means titles only, not an error.
    """
    if not prefix:
        return []
    response = client.search(
        index=suggest_indices(alias), body=build_suggest(prefix), ignore_unavailable=True
    )
    return suggestions_from_response(response.body)
