"""Saved searches with alerts: what a request may ask, what is stored, what is answered (pure).

A saved search is made from the same parameters as `/api/search` (those that decide which
articles match: words, facet values, dates), compiled here into the engine query that the
checker runs (search/matching.py) and stored with the fingerprint of the code that compiled it.
No Flask, no I/O: the engine calls are in search/alert_pages.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from pydantic import Field, WithJsonSchema

from articles.alerts import alerts_alias, matches_alias
from search.lookup import Lookup
from search.matching import MATCH_KEYS, compiler_version, match_args, match_query
from search.models import ApiModel, Args
from search.params import (
    MAX_QUERY_LENGTH,
    MAX_VALUE_LENGTH,
    MAX_VALUES_PER_FACET,
    InvalidParam,
    ParamsModel,
    SearchParams,
    Text,
)

MAX_NAME_LENGTH = 200
MAX_URL_LENGTH = 2048
# Saved searches listed at once; the checker handles any number.
MAX_LISTED = 1000
# Ids the service makes: URL-safe, unguessable (a feed's address is its only secret when reads
# are open).
_ID_BYTES = 12
_SECRET_BYTES = 32
# The longest id `token_urlsafe(_ID_BYTES)` makes; longer ones are not ours.
MAX_ID_LENGTH = 32


FacetList = Annotated[
    tuple[Annotated[str, Field(max_length=MAX_VALUE_LENGTH)], ...],
    Field(max_length=MAX_VALUES_PER_FACET),
]
# A day as /api/search takes it, or empty (the same as absent).
SearchDay = Annotated[
    str, WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"const": ""}]})
]


class AlertSearch(ParamsModel):
    """The search an alert follows: /api/search's parameters that decide what matches."""

    q: str = Field("", max_length=MAX_QUERY_LENGTH, description="Words, as /api/search's q.")
    person: FacetList = ()
    organization: FacetList = ()
    location: FacetList = ()
    source: FacetList = ()
    date_from: SearchDay = Field("", alias="from", description="First publication day, inclusive.")
    date_to: SearchDay = Field("", alias="to", description="Last publication day, inclusive.")

    def getlist(self, key: str) -> list[str]:
        """The values of URL parameter `key`, as a query string would give them."""
        value = getattr(self, {"from": "date_from", "to": "date_to"}.get(key, key), None)
        if value is None or value == "":
            return []
        return [value] if isinstance(value, str) else list(value)


class AlertInput(ParamsModel):
    """What `POST /api/alerts` takes: a name, a search, and where to send new matches."""

    name: Text = Field(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        description="What the alert is called (control characters are dropped).",
    )
    search: AlertSearch = Field(
        default_factory=AlertSearch,
        description="The search to follow; rules as for /api/search (from not after to).",
    )
    webhook_url: str | None = Field(
        None,
        max_length=MAX_URL_LENGTH,
        description=(
            "Optional http(s) URL that receives each new match as a signed JSON POST. "
            "Private, loopback and link-local addresses are refused."
        ),
    )

    @classmethod
    def from_json(cls, body: object, *, max_size: int) -> tuple[AlertInput, SearchParams]:
        """The request body validated, and the search it describes; raises InvalidParam."""
        if not isinstance(body, Mapping):
            raise InvalidParam("the body must be a JSON object")
        alert = cls.parse(body)
        return alert, alert.search_params(max_size=max_size)

    def search_params(self, *, max_size: int) -> SearchParams:
        """The search as validated parameters (the same rules and 400s as /api/search)."""
        return SearchParams.from_args(self.search, max_size=max_size)

    @property
    def title(self) -> str:
        """The name, or the search's words when the name was only control characters."""
        words = " ".join(v for key in MATCH_KEYS for v in self.search.getlist(key))
        return self.name or words[:MAX_NAME_LENGTH] or "Alert"


def new_alert_id() -> str:
    """A fresh, unguessable, URL-safe alert id."""
    return secrets.token_urlsafe(_ID_BYTES)


def new_secret() -> str:
    """A fresh webhook signing secret."""
    return secrets.token_hex(_SECRET_BYTES)


def now_iso() -> str:
    """The current time, as stored (UTC, milliseconds)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def alert_document(
    alert: AlertInput,
    params: SearchParams,
    *,
    articles_alias: str,
    secret: str,
    now: str,
    lookup: Lookup | None = None,
) -> dict[str, Any]:
    """The stored alert: the search, its query compiled with `lookup` (what the index knew of
    the words when it was saved), the webhook; new from `now` on."""
    return {
        "name": alert.title,
        "created_at": now,
        "search_args": urlencode(match_args(params), doseq=True),
        "query": match_query(params, articles_alias, lookup),
        "query_version": compiler_version(),
        "webhook_url": alert.webhook_url,
        "secret": secret,
        # Articles stamped from its creation on are new to it.
        "watermark": now,
        "checked_at": None,
    }


def webhook_origin(url: str | None) -> str | None:
    """Where a webhook goes, without path or query (they often carry a token)."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


class Alert(ApiModel):
    """A saved search as the API shows it (never its secret)."""

    id: str
    name: str
    search: Args = Field(description="The search's parameters, as /api/search takes them.")
    created_at: str = Field(json_schema_extra={"format": "date-time"})
    checked_at: str | None = Field(
        None, description="When the checker last ran it; null before its first run."
    )
    webhook: str | None = Field(
        None, description="The webhook's scheme, host and port; null without one."
    )
    stale: bool = Field(
        description=(
            "Whether the stored query was compiled by an older version of the search code "
            "(it still runs; `flask --app search alerts-recompile` brings it up to date)."
        )
    )

    @classmethod
    def from_doc(cls, doc_id: str, source: Mapping[str, Any]) -> Alert:
        """An alert from its stored document (fields read defensively)."""
        return cls(
            id=doc_id,
            name=str(source.get("name") or ""),
            search=_parse_args(str(source.get("search_args") or "")),
            created_at=str(source.get("created_at") or ""),
            checked_at=_text(source.get("checked_at")),
            webhook=webhook_origin(source.get("webhook_url")),
            stale=source.get("query_version") != compiler_version(),
        )


class AlertCreated(Alert):
    """A new alert: shown once with its secret, the key of the webhook's signature."""

    secret: str = Field(
        description=("HMAC-SHA256 key of the webhook's X-Signature-256 header; shown only now.")
    )


class AlertList(ApiModel):
    """The saved searches, newest first."""

    total: int = Field(ge=0)
    alerts: tuple[Alert, ...]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _parse_args(query_string: str) -> Args:
    return {key: values for key, values in parse_qs(query_string).items() if key in MATCH_KEYS}


def alias_names(articles_alias: str) -> tuple[str, str]:
    """The alerts alias and the matches alias that go with the articles behind `articles_alias`."""
    return alerts_alias(articles_alias), matches_alias(articles_alias)
