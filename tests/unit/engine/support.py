"""Helpers shared by the engine's unit tests."""

from __future__ import annotations

import socket
import stat
import zipfile
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_zip(path: Path, entries: dict[str, tuple[str, int]]) -> None:
    """A zip of name -> (text, unix mode), the way the ES build stores modes."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, (text, mode) in entries.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | mode) << 16
            zf.writestr(info, text)
