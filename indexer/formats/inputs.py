"""Reading articles from inputs: files, folders and URLs, each format recognised on its own."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from articles.limits import FETCH_DEADLINE_SECONDS, FETCH_MAX_BYTES
from indexer.formats.csv_table import read_csv
from indexer.formats.detect import (
    INPUT_SUFFIXES,
    SNIFF_BYTES,
    SUFFIX_FORMATS,
    Format,
    detect_format,
)
from indexer.formats.feeds import read_feed
from indexer.formats.fetch import PUBLIC_ONLY, Fetched, FetchError, fetch_url, is_url
from indexer.formats.fields import DEFAULT_FIELDS, FieldMap
from indexer.formats.html_page import read_html_page
from indexer.formats.json_records import read_json_document, read_json_lines
from indexer.formats.limits import admit
from indexer.formats.records import (
    Origin,
    ParsedArticle,
    ParseError,
    ParseFailure,
    Record,
    unexpected,
)
from indexer.formats.seed_text import parse_seed_text, read_seed_text
from outbound import AddressPolicy

__all__ = [
    "Input",
    "Origin",
    "ParseError",
    "ParseFailure",
    "ParsedArticle",
    "ReadOptions",
    "Record",
    "count_records",
    "discover",
    "parse_seed_text",
    "read_inputs",
]

_SUPPORTED = ", ".join(sorted(INPUT_SUFFIXES))


@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs: renamed CSV columns or JSON keys, the CSV delimiter, and for URLs the
    deadline, the byte cap and which addresses may be reached."""

    fields: FieldMap = DEFAULT_FIELDS
    csv_delimiter: str | None = None
    timeout: float = FETCH_DEADLINE_SECONDS
    max_bytes: int = FETCH_MAX_BYTES
    policy: AddressPolicy = PUBLIC_ONLY


@dataclass(frozen=True)
class Input:
    """One input to read: a file (by absolute path) or a URL."""

    name: str
    # Found in a folder walk rather than named: opened without following a symbolic link, so a
    # file swapped for a link after the walk is not read through it.
    in_folder: bool = False

    @property
    def is_url(self) -> bool:
        """Whether the input is fetched rather than read from disk."""
        return is_url(self.name)


# Called with each input's name and format as it is opened, for the per-input summary.
OnInput = Callable[[str, str | None], None]


def input_name(arg: str | Path) -> str:
    """The stable name of an input argument: a URL as given, a path made absolute."""
    text = str(arg)
    return text if is_url(text) else os.path.abspath(text)


def discover(args: Iterable[str | Path]) -> Iterator[Input | ParseFailure]:
    """Expand files, folders and URLs into inputs in a stable order; name what cannot be read."""
    for arg in args:
        name = input_name(arg)
        if is_url(name):
            yield Input(name)
            continue
        path = Path(name)
        if path.is_dir():
            yield from walk_folder(path)
        elif path.is_file():
            yield Input(name)
        else:
            yield ParseFailure(Origin(name), "no such file or folder")


def walk_folder(root: Path) -> Iterator[Input | ParseFailure]:
    """The input files in a folder and its subfolders, in path order; symbolic links not followed.

    A link whose target lies inside the folder is skipped (the target is read under its own
    name, once); one that leads out of it is reported and not followed, whatever it points at,
    so a link to /etc/passwd dropped into an inbox is never indexed. Linked folders are never
    walked into, which also makes link loops harmless. A folder named on the command line may
    itself be a link: that one the user chose.
    """
    inside = os.path.realpath(root)
    found: list[tuple[Path, Input | ParseFailure]] = []
    for folder, subfolders, files in os.walk(root, onerror=None, followlinks=False):
        # Hidden files and folders (.git, editors' swap files) are not inputs.
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in [*subfolders, *files]:
            child = Path(folder, name)
            if name.startswith("."):
                continue
            try:
                mode = child.lstat().st_mode
            except OSError:
                continue  # gone since the folder was listed
            if stat.S_ISLNK(mode):
                target = os.path.realpath(child)
                if not _within(target, inside) and (
                    name in subfolders or child.suffix.lower() in INPUT_SUFFIXES
                ):
                    reason = f"symbolic link to {target}, outside the folder: not followed"
                    found.append((child, ParseFailure(Origin(str(child)), reason)))
            elif stat.S_ISREG(mode) and child.suffix.lower() in INPUT_SUFFIXES:
                # Inside a folder, files of other kinds (READMEs, images) are not inputs.
                found.append((child, Input(str(child), in_folder=True)))
    for _, item in sorted(found, key=lambda pair: pair[0]):
        yield item


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def count_records(args: Iterable[str | Path]) -> int:
    """A quick estimate of the records in the inputs, for the progress bar (URLs count as 0)."""
    total = 0
    for item in discover(args):
        if isinstance(item, ParseFailure) or item.is_url:
            continue
        fmt = SUFFIX_FORMATS.get(Path(item.name).suffix.lower())
        try:
            with open(item.name, "rb") as handle:
                if fmt in ("jsonl", "csv", "tsv"):
                    lines = sum(1 for line in handle if line.strip())
                    total += lines - (fmt != "jsonl")
                elif fmt in ("text", "html"):
                    total += 1
                else:
                    data = handle.read()
                    total += max(data.count(b"<item"), data.count(b"<entry"), 1)
        except OSError:
            continue
    return total


def read_inputs(
    args: Iterable[str | Path],
    options: ReadOptions = ReadOptions(),
    *,
    on_input: OnInput | None = None,
) -> Iterator[Record]:
    """Every article in the given files, folders and URLs, and a failure per unreadable record."""
    for item in discover(args):
        if isinstance(item, ParseFailure):
            if on_input is not None:
                on_input(item.origin.path, None)
            yield item
        else:
            yield from read_input(item, options, on_input=on_input)


def read_input(
    item: Input, options: ReadOptions = ReadOptions(), *, on_input: OnInput | None = None
) -> Iterator[Record]:
    """The records of one input, each article admitted within the limits (`formats.limits`)."""
    records = _read_input(item, options, on_input=on_input)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:
            # A reader that breaks on odd bytes ends its input with a failure, not the run;
            # what it read before stays read.
            yield ParseFailure(Origin(item.name), unexpected(exc))
            return
        yield _admitted(record)


def _admitted(record: Record) -> Record:
    """The record as it may be stored: an article within the limits, else a failure."""
    if isinstance(record, ParseFailure):
        return record
    try:
        article, notes = admit(record.article)
    except ParseError as exc:
        return ParseFailure(record.origin, str(exc))
    except Exception as exc:
        return ParseFailure(record.origin, unexpected(exc))
    return ParsedArticle(article, record.origin, (*record.notes, *notes))


def _read_input(item: Input, options: ReadOptions, *, on_input: OnInput | None) -> Iterator[Record]:
    try:
        if item.is_url:
            fetched = fetch_url(
                item.name,
                timeout=options.timeout,
                policy=options.policy,
                max_bytes=options.max_bytes,
            )
            suffix = Path(fetched.url.split("?", 1)[0]).suffix
            fmt = detect_format(suffix, fetched.data, fetched.content_type)
            if on_input is not None:
                on_input(item.name, fmt)
            yield from _read_bytes(fmt, fetched.data, item.name, options, fetched)
            return
        path = Path(item.name)
        with _open(item) as handle:
            fmt = detect_format(path.suffix, handle.read(SNIFF_BYTES))
            if on_input is not None:
                on_input(item.name, fmt)
            handle.seek(0)
            if fmt == "jsonl":
                # Streamed: a corpus file can be far larger than memory should hold.
                yield from read_json_lines(handle, item.name, options.fields)
                return
            data = handle.read()
        yield from _read_bytes(fmt, data, item.name, options, None)
    except FetchError as exc:
        yield ParseFailure(Origin(item.name), str(exc))
    except OSError as exc:
        if exc.errno == errno.ELOOP and item.in_folder:
            yield ParseFailure(Origin(item.name), "became a symbolic link: not followed")
            return
        yield ParseFailure(Origin(item.name), f"cannot read file: {exc.strerror or exc}")


def _open(item: Input) -> BinaryIO:
    """A file input opened for reading; one found in a folder walk never through a link."""
    if not item.in_folder:
        return open(item.name, "rb")
    return os.fdopen(os.open(item.name, os.O_RDONLY | os.O_NOFOLLOW), "rb")


def _read_bytes(
    fmt: Format | None, data: bytes, name: str, options: ReadOptions, fetched: Fetched | None
) -> Iterator[Record]:
    content_type = fetched.content_type if fetched is not None else None
    if fmt == "text":
        yield read_seed_text(data, Origin(name))
    elif fmt == "jsonl":
        yield from read_json_lines(data.splitlines(), name, options.fields)
    elif fmt == "json":
        yield from read_json_document(data, name, options.fields)
    elif fmt in ("csv", "tsv"):
        delimiter = options.csv_delimiter or ("\t" if fmt == "tsv" else ",")
        yield from read_csv(data, name, options.fields, delimiter=delimiter)
    elif fmt == "feed":
        yield from read_feed(data, name, content_type=content_type)
    elif fmt == "html":
        yield from read_html_page(data, name, url=fetched.url if fetched is not None else None)
    elif Path(name).suffix.lower() == ".xml":
        yield ParseFailure(Origin(name), "XML that is neither an RSS nor an Atom feed")
    else:
        yield ParseFailure(
            Origin(name),
            f"unsupported file type (expected {_SUPPORTED}, or a feed, page or JSON by content)",
        )
