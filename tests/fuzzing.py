"""Mutated copies of the ingest fixtures, for the indexer's fuzz tests (issue 10).

A mutation is data (an operation, where, what), so Hypothesis can draw it and a seeded
`random.Random` can draw the same kind for the slices that run as real processes.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
INGEST = REPO / "tests" / "data" / "ingest"
# Every fixture of every input format: .txt, .jsonl, .json, .csv, .tsv, .rss, .atom, .xml, .html.
FIXTURES = sorted(p for p in INGEST.rglob("*") if p.is_file())

# Pieces that hostile or broken inputs are made of: structure of each format, encodings,
# absurd values and the tricks of the issue (nesting, entities, placeholder dates, long ids).
TOKENS: tuple[bytes, ...] = (
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\r", b"\n", b"\n\n", b"\t", b",", b";",
    b"|", b'"', b"'", b"\\", b"{", b"}", b"[", b"]", b":", b"<", b">", b"&", b"&amp;", b"&e;",
    b"&#0;", b"&#xD800;", b"<![CDATA[", b"]]>", b"<!--", b"-->", b"<item>", b"</item>",
    b"<entry>", b"<title>", b"</title>", b"<p>", b"<script>", b"<!DOCTYPE html>",
    b'<!DOCTYPE rss [<!ENTITY e "AAAAAAAAAAAAAAAA">]>', b"<?xml version='1.0'?>",
    b"\\ud800", b"\\u0000", b"null", b"true", b"1e999", b"-0", b"NaN", b"[]", b"{}",
    b'"published": "0001-01-01T00:00:00"', b'"published": "9999-12-31"',
    b'"published": 20201001', b'"categories": "x"', b'"title": ""', b'"body": null',
    b'"url": "http://[::1"', b'"url": "javascript:alert(1)"', b'"id": "' + b"i" * 600 + b'"',
    b"[" * 3_000, b"{\"a\":" * 3_000, b"<div>" * 3_000, b"A" * 70_000,
    b"0001-01-01", b"Feb 30, 2021 -", b"TEHRAN, Oct. 1, 2020 -", b"title,body\n",
    b'<script type="application/ld+json">' + b"[" * 3_000 + b"</script>",
    "Ünïcødé — “quotes” 漢字 🙂".encode(),
)  # fmt: skip
OPERATIONS = ("insert", "replace", "delete", "duplicate", "truncate", "flip")


@dataclass(frozen=True)
class Mutation:
    """One change to a file's bytes: `where` is a fraction of the length, `size` in bytes."""

    operation: str
    where: float
    token: int
    size: int

    def apply(self, data: bytes) -> bytes:
        """The bytes with this change made."""
        at = int(self.where * len(data))
        end = min(len(data), at + self.size)
        piece = TOKENS[self.token % len(TOKENS)]
        if self.operation == "insert":
            return data[:at] + piece + data[at:]
        if self.operation == "replace":
            return data[:at] + piece + data[end:]
        if self.operation == "delete":
            return data[:at] + data[end:]
        if self.operation == "duplicate":
            return data[:end] + data[at:end] * 3 + data[end:]
        if self.operation == "truncate":
            return data[:at]
        flipped = bytes(b ^ (1 << (self.size % 8)) for b in data[at:end])
        return data[:at] + flipped + data[end:]


@dataclass(frozen=True)
class Mutant:
    """A fixture and the mutations made to it."""

    fixture: Path
    mutations: tuple[Mutation, ...]

    def write(self, folder: Path, number: int) -> Path:
        """Write the mutated bytes into `folder` under the fixture's extension."""
        data = self.fixture.read_bytes()
        for mutation in self.mutations:
            data = mutation.apply(data)
        path = folder / f"{number:04d}-{self.fixture.stem}{self.fixture.suffix}"
        path.write_bytes(data)
        return path


mutations = st.builds(
    Mutation,
    operation=st.sampled_from(OPERATIONS),
    where=st.floats(0, 1),
    token=st.integers(0, len(TOKENS) - 1),
    size=st.integers(0, 64),
)
mutants = st.builds(
    Mutant,
    fixture=st.sampled_from(FIXTURES),
    mutations=st.lists(mutations, min_size=1, max_size=4).map(tuple),
)


def random_mutant(rng: random.Random) -> Mutant:
    """A mutant drawn from a seeded generator (for slices run outside Hypothesis)."""
    changes = tuple(
        Mutation(
            rng.choice(OPERATIONS), rng.random(), rng.randrange(len(TOKENS)), rng.randrange(65)
        )
        for _ in range(rng.randint(1, 4))
    )
    return Mutant(rng.choice(FIXTURES), changes)


# The last line of every load, however it went (see LoadReport.summary).
SUMMARY = re.compile(r"^(built|indexed) \d+, failed \d+ in \d+\.\d+s", re.MULTILINE)
