"""The forms table: the surface forms of names mapped to one canonical entity per type.

Two layers, both JSON Lines of `{"id", "type", "name", "forms"}`: curated entries in
`seeds/entities/*.entities` (kept in the repository, reviewed by people) and learned entries that
`python -m indexer entities --learn` derives from the articles it has seen. A curated entry wins
over a learned one for the same form, so curation can always correct what was learned.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

from articles import ENTITY_TYPES, EntityType
from indexer.entities.normalize import fold

REPO = Path(__file__).resolve().parents[2]
CURATED_DIR = REPO / "seeds" / "entities"
# JSON Lines, but not named `.jsonl`: `indexer load seeds/` must not read them as articles.
CURATED_SUFFIX = ".entities"
# The learned layer is derived state, like the index itself: kept out of the repository. In a
# checkout it lives in the checkout's .cache; an installed package's directory (site-packages)
# is no place to write, so there it lives in the user's cache directory, in this folder.
CACHE_APP = "news-search"
LEARNED_ENV = "ENTITY_FORMS_TABLE"
# The name the variable had before surface forms were called forms; read when the new one is unset.
LEGACY_LEARNED_ENV = "ENTITY_ALIASES"

Layer = Literal["curated", "learned"]
# The type of curated lines listing forms that are never entities.
IGNORE = "ignore"
# The type of the learned line listing given names (first words of many people's full names).
GIVEN_NAMES = "given-names"
# Learned entries with ids starting so are type votes: the type most articles give a form
# ("Rosatom" is an organisation), with no canonical name of their own.
VOTE_PREFIX = "vote:"


class FormsTableError(ValueError):
    """Entity data that cannot be used: a bad line, or one form claimed by two entities."""


@dataclass(frozen=True)
class KnownEntity:
    """One entity of the table: its canonical name, its type and the other forms that name it."""

    id: str
    type: EntityType
    name: str
    forms: tuple[str, ...] = ()
    layer: Layer = "curated"

    def all_forms(self) -> tuple[str, ...]:
        """The canonical name and every other form."""
        return (self.name, *self.forms)

    def to_json(self) -> dict[str, object]:
        """The JSON Lines record of this entry."""
        return {"id": self.id, "type": self.type, "name": self.name, "forms": list(self.forms)}


@dataclass
class FormsTable:
    """Forms to entities, per type; curated entries first, learned ones where curation is silent."""

    entries: tuple[KnownEntity, ...] = ()
    # Forms that are never a facet value, whatever NER says ("ISP", "COVID-19").
    ignore: frozenset[str] = frozenset()
    # Words that open many people's full names ("Mohammad", "Abbas"): where one follows an
    # organisation or a place inside a span, a person's name starts there.
    given_names: frozenset[str] = frozenset()
    _by_key: dict[tuple[str, str], KnownEntity] = field(default_factory=dict, repr=False)
    _curated_any: dict[str, KnownEntity] = field(default_factory=dict, repr=False)
    _learned_any: dict[str, KnownEntity] = field(default_factory=dict, repr=False)
    _votes: dict[str, EntityType] = field(default_factory=dict, repr=False)
    _ignored: frozenset[str] = field(default=frozenset(), repr=False)
    _given: frozenset[str] = field(default=frozenset(), repr=False)

    def __post_init__(self) -> None:
        ordered = sorted(self.entries, key=lambda e: (e.layer != "curated", e.type, e.id))
        for entry in ordered:
            if entry.id.startswith(VOTE_PREFIX):
                self._votes.setdefault(fold(entry.name), entry.type)
                continue
            for form in entry.all_forms():
                key = (entry.type, fold(form))
                if not key[1]:
                    continue
                other = self._by_key.get(key)
                if other is None:
                    self._by_key[key] = entry
                elif other.layer == entry.layer == "curated" and other.id != entry.id:
                    raise FormsTableError(
                        f"{form!r} names both {other.id} and {entry.id} ({entry.type})"
                    )
                if entry.layer == "curated":
                    self._curated_any.setdefault(key[1], entry)
                else:
                    self._learned_any.setdefault(key[1], entry)
        self._ignored = frozenset(fold(form) for form in self.ignore)
        self._given = frozenset(fold(name) for name in self.given_names)

    def lookup(self, kind: str, name: str) -> KnownEntity | None:
        """The entity of type `kind` that `name` (any form, any case or spelling of it) names."""
        return self._by_key.get((kind, fold(name)))

    def curated(self, name: str) -> KnownEntity | None:
        """The curated entity of any type that `name` names: curation also decides the type."""
        return self._curated_any.get(fold(name))

    def learned(self, name: str) -> KnownEntity | None:
        """The learned entity of any type that `name` names."""
        return self._learned_any.get(fold(name))

    def learned_type(self, name: str) -> EntityType | None:
        """The type the corpus gives `name`: its vote, else the type of a learned entry."""
        key = fold(name)
        if (vote := self._votes.get(key)) is not None:
            return vote
        entry = self._learned_any.get(key)
        return entry.type if entry is not None else None

    def is_given_name(self, word: str) -> bool:
        """Whether `word` opens many people's full names in the corpus (learned)."""
        return fold(word) in self._given

    def ignored(self, name: str) -> bool:
        """Whether `name` is curated as never being an entity."""
        return fold(name) in self._ignored

    def __len__(self) -> int:
        return len(self.entries)


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The JSON objects of a JSON Lines file with their line numbers, blank lines skipped."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except ValueError as exc:
                    raise FormsTableError(f"{path}:{number}: {exc}") from None


def read_entries(path: Path, *, layer: Layer) -> Iterator[KnownEntity]:
    """The entity entries of one JSON Lines file (`ignore` and given-name lines are skipped)."""
    for number, record in read_records(path):
        try:
            kind = record["type"]
            if kind in (IGNORE, GIVEN_NAMES):
                continue
            if kind not in ENTITY_TYPES:
                raise ValueError(f"unknown type {kind!r}")
            yield KnownEntity(
                id=str(record["id"]),
                type=cast("EntityType", kind),
                name=str(record["name"]),
                forms=tuple(str(f) for f in _forms(record)),
                layer=layer,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise FormsTableError(f"{path}:{number}: {exc}") from None


def read_ignored(path: Path, kind: str = IGNORE) -> Iterator[str]:
    """The forms of the `ignore` lines (or the lines of another list `kind`) of a file."""
    for _, record in read_records(path):
        if record.get("type") == kind:
            yield str(record["name"])
            yield from (str(f) for f in _forms(record))


def _forms(record: dict[str, Any]) -> Any:
    """A record's other forms (`aliases` in learned files written before the rename)."""
    return record.get("forms", record.get("aliases", ()))


def write_entries(
    path: Path, entries: Iterable[KnownEntity], *, given_names: Iterable[str] = ()
) -> None:
    """Write entries as JSON Lines, replacing the file in one step (readers never see half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    with partial.open("w", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(json.dumps(entry.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
        names = sorted(given_names)
        if names:
            record = {"id": GIVEN_NAMES, "type": GIVEN_NAMES, "name": names[0], "forms": names[1:]}
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    partial.replace(path)


def learned_path(path: Path | None = None) -> Path:
    """The learned layer's file: the one given, else $ENTITY_FORMS_TABLE, else the default.

    $ENTITY_ALIASES, the variable's name before the rename, is still read when the new one is
    unset: a renamed variable would otherwise drop a user's learned layer without a word.
    """
    if path is not None:
        return path
    for name in (LEARNED_ENV, LEGACY_LEARNED_ENV):
        if os.environ.get(name):
            return Path(os.environ[name])
    return default_learned()


def default_learned(repo: Path = REPO, environ: Mapping[str, str] = os.environ) -> Path:
    """The learned layer's default file: the checkout's .cache, or the user's cache directory.

    A checkout is a directory with the project's pyproject.toml beside the packages; an
    installed package has none.
    """
    if (repo / "pyproject.toml").is_file():
        return repo / ".cache" / "entities" / "learned.jsonl"
    base = Path(environ["XDG_CACHE_HOME"]) if environ.get("XDG_CACHE_HOME") else None
    if base is None or not base.is_absolute():
        # The XDG spec: a relative value is invalid and is ignored.
        base = Path.home() / ".cache"
    return base / CACHE_APP / "entities" / "learned.jsonl"


@lru_cache(maxsize=4)
def curated_table(curated_dir: Path = CURATED_DIR) -> FormsTable:
    """The curated layer alone: every `*.entities` file in `curated_dir`."""
    return load_forms_table(curated_dir=curated_dir, learned=None, use_learned=False)


def load_forms_table(
    *, curated_dir: Path | None = CURATED_DIR, learned: Path | None = None, use_learned: bool = True
) -> FormsTable:
    """The curated entries of `curated_dir` plus the learned table, if it exists."""
    files = sorted(curated_dir.glob(f"*{CURATED_SUFFIX}")) if curated_dir is not None else []
    entries = [e for path in files for e in read_entries(path, layer="curated")]
    ignore = frozenset(form for path in files for form in read_ignored(path))
    given = {name for path in files for name in read_ignored(path, GIVEN_NAMES)}
    learned_file = learned_path(learned)
    if use_learned and learned_file.is_file():
        entries.extend(read_entries(learned_file, layer="learned"))
        given.update(read_ignored(learned_file, GIVEN_NAMES))
    return FormsTable(tuple(entries), ignore, frozenset(given))
