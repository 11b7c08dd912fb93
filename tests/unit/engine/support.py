"""Helpers shared by the engine's unit tests."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path


def write_zip(path: Path, entries: dict[str, tuple[str, int]]) -> None:
    """A zip of name -> (text, unix mode), the way the ES build stores modes."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, (text, mode) in entries.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | mode) << 16
            zf.writestr(info, text)
