"""What a load or reindex did: counts per outcome, per input, and every failed record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# What happened to one record: written new, written over a changed version, skipped because
# the stored copy is identical, skipped as a duplicate of another record, or failed.
# A conflict is a record from another source reusing a stored article's id or URL: not stored.
Outcome = Literal["added", "updated", "unchanged", "duplicate", "conflict", "failed"]


@dataclass(frozen=True)
class Failure:
    """A record that was not indexed: where it came from and why."""

    where: str
    reason: str
    doc_id: str | None = None

    def __str__(self) -> str:
        ident = f" (id {self.doc_id})" if self.doc_id else ""
        return f"{self.where}{ident}: {self.reason}"


@dataclass(frozen=True)
class Note:
    """A record stored with a value changed on the way in (a date cleared, a body cut)."""

    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


@dataclass
class InputSummary:
    """The outcome for one input file or URL."""

    input: str
    format: str | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    conflict: int = 0
    failed: int = 0
    pruned: int = 0

    def count(self, outcome: Outcome) -> None:
        """Count one record's outcome."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self) -> str:
        counts = [
            f"{getattr(self, name)} {name}"
            for name in (
                "added",
                "updated",
                "unchanged",
                "duplicate",
                "conflict",
                "failed",
                "pruned",
            )
            if getattr(self, name)
        ]
        return f"{self.input} ({self.format or 'unknown format'}): {', '.join(counts) or 'empty'}"


# The run total each outcome adds to (failures are counted by the list that names them).
_TOTALS: dict[Outcome, str] = {
    "added": "added",
    "updated": "updated",
    "unchanged": "unchanged",
    "duplicate": "duplicates",
    "conflict": "conflicts",
}


@dataclass
class LoadReport:
    """What a load did: counts, failures, per-input summaries and time taken."""

    # Bulk operations the engine acknowledged (in a dry run: documents built and printed).
    written: int = 0
    failures: list[Failure] = field(default_factory=list)
    # Records kept with a value changed to fit the limits (articles/limits.py), one per change.
    notes: list[Note] = field(default_factory=list)
    # How many records those notes are about.
    adjusted: int = 0
    seconds: float = 0.0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    conflicts: int = 0
    pruned: int = 0
    # Records not stored over an article of another source (one line each, naming both).
    conflict_lines: list[Note] = field(default_factory=list)
    inputs: dict[str, InputSummary] = field(default_factory=dict)
    # Set when the run stopped early (the engine went away); the rest was never tried.
    aborted: str | None = None
    # Entity names this run wrote to or deleted from the suggestions' names index (None: it was
    # current already).
    names: int | None = None
    names_seconds: float = 0.0

    @property
    def failed(self) -> int:
        """How many records failed, in parsing or in the engine."""
        return len(self.failures)

    @property
    def docs_per_second(self) -> float:
        """Indexing throughput over the whole run."""
        return self.written / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        """True when nothing failed and the run went to the end."""
        return not self.failures and self.aborted is None

    def count(self, input_name: str, outcome: Outcome) -> None:
        """Count one record's outcome: in the run's totals and in its input's summary."""
        self.input_summary(input_name).count(outcome)
        total = _TOTALS.get(outcome)
        if total is not None:
            setattr(self, total, getattr(self, total) + 1)

    def note(self, where: str, notes: tuple[str, ...]) -> None:
        """Note what the limits changed in one record (nothing when `notes` is empty)."""
        if notes:
            self.adjusted += 1
            self.notes.extend(Note(where, text) for text in notes)

    def opened(self, input_name: str, fmt: str | None) -> None:
        """Note an input as it is opened, with its format: it gets a line even if it is empty."""
        self.input_summary(input_name, fmt)

    def input_summary(self, input_name: str, fmt: str | None = None) -> InputSummary:
        """The summary of one input, created on first use."""
        summary = self.inputs.get(input_name)
        if summary is None:
            summary = self.inputs[input_name] = InputSummary(input_name, fmt)
        elif fmt and not summary.format:
            summary.format = fmt
        return summary

    def summary(self, verb: str = "indexed") -> str:
        """A one-line summary for the end of a run; `verb` says what was done with the documents."""
        line = (
            f"{verb} {self.written}, failed {self.failed} in {self.seconds:.1f}s "
            f"({self.docs_per_second:.0f} docs/s)"
        )
        details = {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "pruned": self.pruned,
        }
        if any(details.values()):
            line += ": " + ", ".join(f"{name} {count}" for name, count in details.items())
        if self.conflicts:
            line += f", conflicts {self.conflicts}"
        if self.adjusted:
            line += f"; {self.adjusted} adjusted to the limits"
        if self.names is not None:
            line += (
                f"; {self.names} entity names for suggestions synced in {self.names_seconds:.1f}s"
            )
        return line
