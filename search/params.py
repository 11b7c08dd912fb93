"""The API's request parameters, declared once: their types, limits, rules and 400 messages (pure).

`SearchParams` (a search, and the search under a facet's values), `FacetQuery` and
`SuggestParams` are pydantic models. Their JSON Schemas are the OpenAPI parameters
(search/openapi.py); their validation errors become InvalidParam, whose message names the
parameter and the rule, never the visitor's value. No Flask, no I/O.

Reading a query string: unknown keys are ignored, empty values count as absent, repeatable keys
(`person=a&person=b`) keep every value in order, the others their first. Limits apply to what
was sent; free text (words, facet values) is then cleaned of control characters and surrounding
spaces, and a value left blank counts as absent. Everything else must be exactly valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal, Protocol, Self, cast, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import ErrorDetails, PydanticCustomError

from articles import FACETS
from search.cursor import CURSOR_PATTERN, MAX_CURSOR_LENGTH, Cursor, CursorError
from search.models import Args
from search.syntax import ParsedQuery, parse_query

Sort = Literal["relevance", "newest", "oldest"]
SORTS: tuple[Sort, ...] = get_args(Sort)

# Elasticsearch refuses `from + size` beyond index.max_result_window (10,000 by default).
MAX_RESULT_WINDOW = 10_000
# Longer input is refused rather than cut: a cut query would silently mean something else.
MAX_QUERY_LENGTH = 1000
MAX_VALUE_LENGTH = 300
MAX_VALUES_PER_FACET = 20
# Longer input is not a prefix anyone is still typing.
MAX_PREFIX_LENGTH = 100
DEFAULT_PAGE_SIZE = 10
DEFAULT_MAX_PAGE_SIZE = 100

WINDOW_MESSAGE = (
    f"only the first {MAX_RESULT_WINDOW} results can be paged through; "
    "narrow the search or page with next_cursor instead"
)

# Characters that are never meaningful in a query or a facet value. Tabs and line breaks become
# spaces; the other C0/C1 controls (NUL included) are dropped.
_LINE_CONTROLS = re.compile(r"[\t\n\r\v\f]")
_OTHER_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]{1,9}")


class InvalidParam(ValueError):
    """A known URL parameter has a value we cannot use; the API answers 400 `bad_request`.

    The message names the parameter and the rule but never repeats the visitor's value.
    """

    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @classmethod
    def from_error(cls, error: ValidationError) -> InvalidParam:
        """The first problem pydantic found, in our words."""
        return cls(_message(error.errors(include_url=False)[0]))


def _message(error: ErrorDetails) -> str:
    """`<parameter> <rule>`: pydantic's constraint errors reworded, our own rules as written."""
    loc = error["loc"]
    names = [part for part in loc if isinstance(part, str)]
    if not names:
        return error["msg"]  # a rule across parameters carries its whole message
    name = names[-1]
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "string_too_long":
        subject = f"each {name} value" if isinstance(loc[-1], int) else name
        return f"{subject} must be at most {ctx['max_length']} characters"
    if kind == "too_long":
        return f"{name} may be given at most {ctx['max_length']} times"
    if kind == "greater_than_equal":
        return f"{name} must be {ctx['ge']} or more"
    if kind == "literal_error":
        choices = str(ctx["expected"]).replace("'", "").replace(" or ", ", ")
        return f"{name} must be one of: {choices}"
    return f"{name} {error['msg']}"


class QueryArgs(Protocol):
    """What `from_args` needs from a query string: werkzeug's MultiDict fits."""

    def getlist(self, key: str) -> list[str]:
        """Every value given for `key`, in order (empty when absent)."""
        ...


def clean_text(value: str) -> str:
    """`value` without control characters and surrounding whitespace."""
    return _OTHER_CONTROLS.sub("", _LINE_CONTROLS.sub(" ", value)).strip()


def first(args: QueryArgs, key: str) -> str:
    """The first value of `key` as sent; "" when absent."""
    values = args.getlist(key)
    return values[0] if values else ""


def _distinct(values: tuple[str, ...]) -> tuple[str, ...]:
    """Values cleaned, without blanks and repeats, in order."""
    return tuple(dict.fromkeys(v for v in map(clean_text, values) if v))


def _selected(filters: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Only the facets with a value left."""
    return {name: values for name, values in filters.items() if values}


def _positive_int(value: object) -> object:
    """Digits only (no sign, no decimals, no other scripts' digits), at most nine of them."""
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise PydanticCustomError("int_parsing", "must be a positive integer")
        return int(value)
    return value


def _iso_date(value: object) -> object:
    """A day written YYYY-MM-DD, and nothing else date.fromisoformat would accept."""
    if isinstance(value, str):
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_format", "must be a date written YYYY-MM-DD") from None
    return value


def _known_facet(name: str) -> str:
    if name not in FACETS:
        raise PydanticCustomError("unknown_facet", "must name a facet: " + ", ".join(FACETS))
    return name


def _page_size(size: int, info: ValidationInfo) -> int:
    """Within 1 and the server's maximum (settings.max_page_size, passed as context)."""
    maximum = int((info.context or {}).get("max_size", DEFAULT_MAX_PAGE_SIZE))
    if not 1 <= size <= maximum:
        raise PydanticCustomError("page_size", f"must be between 1 and {maximum}")
    return size


def _read_cursor(value: object) -> Cursor | None:
    if value is None or isinstance(value, Cursor):
        return value
    try:
        return Cursor.decode(str(value))
    except CursorError:
        raise PydanticCustomError("cursor", "is not one this service gave out") from None


FacetName = Annotated[
    str, AfterValidator(_known_facet), WithJsonSchema({"type": "string", "enum": list(FACETS)})
]
FacetValues = Annotated[
    tuple[Annotated[str, Field(max_length=MAX_VALUE_LENGTH)], ...],
    Field(max_length=MAX_VALUES_PER_FACET),
    AfterValidator(_distinct),
]
# Words as typed, limited as sent, then cleaned.
Text = Annotated[str, AfterValidator(clean_text)]
# An empty `expand=` is ignored like any empty value; the schema admits it so.
ExpandName = Annotated[
    str, AfterValidator(_known_facet), WithJsonSchema({"type": "string", "enum": [*FACETS, ""]})
]
IsoDate = Annotated[date | None, BeforeValidator(_iso_date)]
PositiveInt = Annotated[int, BeforeValidator(_positive_int)]


class ParamsModel(BaseModel):
    """Request parameters, frozen; `parse` refuses bad ones with InvalidParam."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True
    )

    @classmethod
    def parse(cls, raw: Mapping[str, Any], **context: Any) -> Self:
        """Validate query-string values (by their URL names); raises InvalidParam."""
        try:
            return cls.model_validate(raw, context=context)
        except ValidationError as error:
            raise InvalidParam.from_error(error) from None


class SearchParams(ParamsModel):
    """A validated search request: what the URL says, and nothing else."""

    q: Text = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description=(
            "Words to find in title, body and entity names: articles with all of them "
            "first, then those with most of them. Words the index does not know, or knows "
            "far less than a close spelling, are also matched by that spelling (and names "
            "by their sound), ranked below exact matches; the last word also matches as "
            "the start of a word. "
            'Supports "phrases", -exclusion, OR (or |), + and ( ), and the prefixes '
            'person:, org:, loc: and source: (e.g. person:"Ali Khamenei"), which filter '
            "through entity aliases. Syntax that cannot be used is searched as text. "
            "Without words, the newest come first."
        ),
    )
    # Selected values per facet name; only facets with at least one value are present. In the
    # URL each facet is its own repeatable key (`location=Iran&location=Armenia`).
    filters: Annotated[dict[FacetName, FacetValues], AfterValidator(_selected)] = Field(
        default_factory=dict, description="Keep articles with this {name}; repeat for OR."
    )
    date_from: IsoDate = Field(None, alias="from", description="First publication day, inclusive.")
    date_to: IsoDate = Field(None, alias="to", description="Last publication day, inclusive.")
    sort: Sort = Field(
        "relevance",
        description="relevance (the default; the newest first when there are no words).",
    )
    # The window rule below caps the page at MAX_RESULT_WINDOW (with a size of 1).
    page: PositiveInt = Field(
        1,
        ge=1,
        json_schema_extra={"maximum": MAX_RESULT_WINDOW},
        description=f"From 1; page * size may not exceed {MAX_RESULT_WINDOW} (use cursor beyond).",
    )
    size: Annotated[PositiveInt, AfterValidator(_page_size)] = Field(
        DEFAULT_PAGE_SIZE,
        json_schema_extra={"minimum": 1},
        description="Hits per page (the server sets the default and maximum).",
    )
    # Facets shown with more values than usual.
    expand: tuple[ExpandName, ...] = Field(
        (), description="A facet to list with more values (up to 50); repeatable."
    )
    # Continue after the last hit of a previous page (API paging beyond the result window).
    cursor: Annotated[
        Cursor | None,
        PlainValidator(_read_cursor),
        WithJsonSchema(
            {"type": "string", "maxLength": MAX_CURSOR_LENGTH, "pattern": CURSOR_PATTERN}
        ),
    ] = Field(
        None,
        description=(
            "The next_cursor of a previous answer: the page after it, at any depth "
            "(search_after), in the order it was made in (sort is then ignored). Send the "
            "same other parameters; not with page."
        ),
    )
    # Known so `to_args` can leave `size` out of URLs when it is the default.
    default_size: SkipJsonSchema[int] = Field(DEFAULT_PAGE_SIZE, exclude=True, repr=False)

    @model_validator(mode="after")
    def _rules_across_parameters(self) -> Self:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise PydanticCustomError("date_order", "from must not be after to")
        if self.cursor is not None:
            if self.page != 1:
                raise PydanticCustomError("cursor_page", "page and cursor cannot be used together")
        elif self.page * self.size > MAX_RESULT_WINDOW:
            raise PydanticCustomError("result_window", WINDOW_MESSAGE)
        return self

    @classmethod
    def from_args(
        cls,
        args: QueryArgs,
        *,
        default_size: int = DEFAULT_PAGE_SIZE,
        max_size: int = DEFAULT_MAX_PAGE_SIZE,
    ) -> SearchParams:
        """Read URL parameters; raises InvalidParam for a known key with a bad value."""
        raw: dict[str, Any] = {"size": default_size, "default_size": default_size}
        for key in _SCALARS:
            if value := first(args, key):
                raw[key] = value
        raw["filters"] = {name: tuple(values) for name in FACETS if (values := args.getlist(name))}
        if expand := tuple(dict.fromkeys(name for name in args.getlist("expand") if name)):
            raw["expand"] = expand
        return cls.parse(raw, max_size=max_size)

    @property
    def offset(self) -> int:
        """Index of the first hit of this page."""
        return (self.page - 1) * self.size

    @cached_property
    def parsed(self) -> ParsedQuery:
        """The query box read: text, field filters and plain words."""
        return parse_query(self.q)

    @property
    def effective_sort(self) -> Sort:
        """The sort applied: a cursor's own; without words to rank by, "relevance" lists the
        newest first."""
        if self.cursor is not None:
            return cast("Sort", self.cursor.sort)
        if self.sort == "relevance" and not self.parsed.has_text:
            return "newest"
        return self.sort

    @property
    def narrowed(self) -> bool:
        """Whether anything besides the words narrows the search (filters or dates)."""
        return bool(self.filters or self.date_from or self.date_to or self.parsed.filters)

    def selected(self, facet: str, value: str) -> bool:
        """Whether `value` is selected in `facet`."""
        return value in self.filters.get(facet, ())

    def _toggled_filters(self, facet: str, value: str) -> dict[str, tuple[str, ...]]:
        if facet not in FACETS:
            raise KeyError(facet)
        current = self.filters.get(facet, ())
        values = tuple(v for v in current if v != value) if value in current else (*current, value)
        filters = {name: self.filters.get(name, ()) for name in FACETS}
        filters[facet] = values
        return {name: chosen for name, chosen in filters.items() if chosen}

    def toggled(self, facet: str, value: str) -> SearchParams:
        """These params with `value` selected in `facet` if it was not, unselected if it was.

        The page goes back to 1: the old page number means nothing for the new result set.
        """
        return self._replace(filters=self._toggled_filters(facet, value), page=1, cursor=None)

    def toggle_args(self, facet: str, value: str) -> Args:
        """URL parameters of `toggled(facet, value)` (sidebars need dozens: no params made)."""
        return self._args(filters=self._toggled_filters(facet, value), page=1, cursor=None)

    def page_args(self, page: int) -> Args:
        """URL parameters of `with_page(page)` (pagination bars need several)."""
        return self._args(page=page, cursor=None)

    def dates_args(self, date_from: date | None, date_to: date | None) -> Args:
        """URL parameters of `with_dates(date_from, date_to)` (a timeline needs dozens)."""
        return self._args(date_from=date_from, date_to=date_to, page=1, cursor=None)

    def with_page(self, page: int) -> SearchParams:
        """These params on another page."""
        return self._replace(page=page, cursor=None)

    def with_query(self, q: str) -> SearchParams:
        """These params with other words, from the first page."""
        return self._replace(q=q, page=1, cursor=None)

    def with_sort(self, sort: Sort) -> SearchParams:
        """These params in another order, from the first page."""
        return self._replace(sort=sort, page=1, cursor=None)

    def with_dates(self, date_from: date | None, date_to: date | None) -> SearchParams:
        """These params over another period, from the first page."""
        return self._replace(date_from=date_from, date_to=date_to, page=1, cursor=None)

    def with_expanded(self, facet: str, expanded: bool) -> SearchParams:
        """These params with `facet` listing more values (or back to the usual few)."""
        rest = tuple(name for name in self.expand if name != facet)
        return self._replace(expand=(*rest, facet) if expanded else rest)

    def without_filters(self) -> SearchParams:
        """These params without facet selections and dates, from the first page."""
        return self._replace(filters={}, date_from=None, date_to=None, page=1, cursor=None)

    def _replace(self, **changes: Any) -> SearchParams:
        """A copy with `changes`, not validated again: they come from valid params."""
        copy = self.model_copy(update=changes)
        copy.__dict__.pop("parsed", None)  # cached for the old words
        return copy

    def to_args(self) -> Args:
        """URL parameters that `from_args` parses back into equal params; defaults are left out."""
        return self._args()

    def _args(self, **changes: Any) -> Args:
        """URL parameters of these params with `changes` (field names as keys)."""
        fields = {
            "q": self.q,
            "filters": self.filters,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "sort": self.sort,
            "page": self.page,
            "size": self.size,
            "expand": self.expand,
            "cursor": self.cursor,
        } | changes
        args: Args = {}
        if fields["q"]:
            args["q"] = [fields["q"]]
        filters: Mapping[str, tuple[str, ...]] = fields["filters"]
        for name in FACETS:
            if values := filters.get(name):
                args[name] = list(values)
        if fields["date_from"]:
            args["from"] = [fields["date_from"].isoformat()]
        if fields["date_to"]:
            args["to"] = [fields["date_to"].isoformat()]
        if fields["sort"] != "relevance":
            args["sort"] = [fields["sort"]]
        if fields["page"] != 1:
            args["page"] = [str(fields["page"])]
        if fields["size"] != self.default_size:
            args["size"] = [str(fields["size"])]
        if fields["expand"]:
            args["expand"] = list(fields["expand"])
        if fields["cursor"] is not None:
            args["cursor"] = [fields["cursor"].encode()]
        return args


# Query-string keys of a search read for their first value (the others repeat).
_SCALARS = ("q", "from", "to", "sort", "page", "size", "cursor")
_NO_SEARCH = SearchParams()


def filter_args(facet: str, value: str) -> Args:
    """URL parameters of the search filtered on one value (links from entities and mentions)."""
    return _NO_SEARCH.toggle_args(facet, value)


def words_args(q: str) -> Args:
    """URL parameters of the search for the words `q` alone."""
    return _NO_SEARCH._args(q=q)


class _QueryAsWords:
    """A facet request's arguments seen as a search's: its `query` is the search's `q`."""

    def __init__(self, args: QueryArgs) -> None:
        self._args = args

    def getlist(self, key: str) -> list[str]:
        """Every value for `key`, with `q` answered from `query`."""
        return self._args.getlist("query" if key == "q" else key)


class FacetQuery(ParamsModel):
    """Which facet, the text to find in its values, and the search whose counts apply."""

    facet: SkipJsonSchema[FacetName]
    text: Text = Field(
        "",
        alias="q",
        max_length=MAX_VALUE_LENGTH,
        description="Keep values with a word starting with this text (any case).",
    )
    # The search's own parameters, its words as `query` (documented as SearchParams').
    search: SkipJsonSchema[SearchParams] = Field(default_factory=SearchParams)

    @classmethod
    def from_args(cls, facet: str, args: QueryArgs, **limits: int) -> FacetQuery:
        """Read `q` (text in values), `query` (the search's words) and the search's filters.

        Raises KeyError for an unknown facet, InvalidParam for a bad value.
        """
        if facet not in FACETS:
            raise KeyError(facet)
        text = first(args, "q")
        search = SearchParams.from_args(_QueryAsWords(args), **limits).with_page(1)
        return cls.parse({"facet": facet, "q": text, "search": search})

    def to_args(self) -> Args:
        """URL parameters that `from_args` reads back."""
        args = self.search.to_args()
        if "q" in args:
            args["query"] = args.pop("q")
        if self.text:
            args["q"] = [self.text]
        return args


class SuggestParams(ParamsModel):
    """What has been typed so far, for search-as-you-type."""

    q: Text = Field(
        "",
        max_length=MAX_PREFIX_LENGTH,
        description="The text typed so far; matched at the start of words.",
    )

    @classmethod
    def from_args(cls, args: QueryArgs) -> SuggestParams:
        """Read `q`, cleaned; raises InvalidParam when it is too long."""
        return cls.parse({"q": first(args, "q")})
