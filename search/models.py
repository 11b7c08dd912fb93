"""The base of every API model, the shapes several answers share, and the service's own (pure).

Parameters (search/params.py) and answers (search/results.py, article.py, entity.py, suggest.py,
facet_values.py, health.py) are pydantic models: the one declaration of the API contract. Their
JSON Schemas make the OpenAPI document (search/openapi.py); views serialize them as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, SkipValidation
from pydantic.json_schema import SkipJsonSchema

from articles import ENTITY_TYPES

# URL parameters for `url_for`: each key with its values in order.
Args = dict[str, list[str]]


class LazyArgs(Mapping[str, list[str]]):
    """URL parameters made on first use: a search page links every facet value and timeline
    bar, but only the HTML page reads those links, and making them cost the JSON answer about
    a millisecond (bench/profile_app.py)."""

    __slots__ = ("_args", "_make")

    def __init__(self, make: Callable[[], Args]) -> None:
        self._make = make
        self._args: Args | None = None

    def _made(self) -> Args:
        if self._args is None:
            self._args = self._make()
        return self._args

    def __getitem__(self, key: str) -> list[str]:
        return self._made()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())

    def __repr__(self) -> str:
        return f"LazyArgs({self._made()!r})"


# URL parameters kept beside an answer for the HTML page's links; not part of the API (and not
# validated: they are made by SearchParams), possibly made on first use (LazyArgs).
LinkArgs = Annotated[
    Mapping[str, list[str]], SkipValidation, SkipJsonSchema(), Field(exclude=True, repr=False)
]

# A stored day, YYYY-MM-DD, or null when unknown or unreadable.
Day = Annotated[
    str | None,
    Field(json_schema_extra={"format": "date"}, description="YYYY-MM-DD, null if unknown"),
]


def keyed_by(names: Iterable[str], **field: Any) -> Any:
    """A Field for a mapping whose keys are exactly `names` (every one present in answers)."""
    keys: list[JsonValue] = list(names)
    return Field(json_schema_extra={"required": keys, "propertyNames": {"enum": keys}}, **field)


class ApiModel(BaseModel):
    """An answer of the API: frozen, strict about its own keys, serialized as declared."""

    model_config = ConfigDict(
        frozen=True,
        # Answers hold exactly the declared keys; the schema says so (additionalProperties).
        extra="forbid",
        # Every key is always present in an answer, defaults included.
        json_schema_serialization_defaults_required=True,
        validate_by_name=True,
        validate_by_alias=True,
    )

    def to_dict(self) -> dict[str, Any]:
        """The API form, as the JSON the views send."""
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self) -> str:
        """The API form serialized."""
        return self.model_dump_json(by_alias=True)

    def to_json_bytes(self) -> bytes:
        """The API form serialized as UTF-8, what the views send: `to_json` encoded, without
        making the text first (pydantic writes bytes; a search answer is some 20 kB)."""
        return self.__pydantic_serializer__.to_json(self, by_alias=True)


# Entity names per type, in the order of ENTITY_TYPES.
Entities = Annotated[dict[str, list[str]], keyed_by(ENTITY_TYPES)]


class ErrorDetail(ApiModel):
    """What went wrong: a machine-readable code and a message for people."""

    code: str = Field(
        pattern="^[a-z][a-z0-9_]*$",
        examples=["bad_request", "not_found", "engine_unavailable", "index_not_ready"],
    )
    message: str


class ErrorResponse(ApiModel):
    """The one shape of every error answer."""

    error: ErrorDetail


class EngineHealth(ApiModel):
    """The engine's state (never its version: that would tell anyone which flaws to try)."""

    cluster_status: Literal["green", "yellow", "red"]
    nodes: int = Field(ge=0)


class IndexHealth(ApiModel):
    """The index alias searched, and how many articles are behind it."""

    alias: str
    docs: int = Field(ge=0)


class Health(ApiModel):
    """Searches can run: the engine answers and the index alias exists."""

    status: Literal["ok"] = "ok"
    engine: EngineHealth
    index: IndexHealth


class Unavailable(ApiModel):
    """Searches cannot run, and why."""

    status: Literal["unavailable"] = "unavailable"
    error: ErrorDetail
