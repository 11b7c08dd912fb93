"""Find a Java runtime the Elasticsearch distribution can run on (it bundles none)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from engine.distribution import ES_VERSION
from engine.errors import EngineError

MIN_JAVA = 21
JVM_ROOT = Path("/usr/lib/jvm")

_JAVA_VERSION_RE = re.compile(r'^JAVA_VERSION="?([^"\n]+)"?\s*$', re.MULTILINE)


def java_major(version: str) -> int | None:
    """Major version of a JAVA_VERSION string: "25.0.3" -> 25, "1.8.0_292" -> 8."""
    parts = re.findall(r"\d+", version)
    if not parts:
        return None
    major = int(parts[0])
    if major == 1 and len(parts) > 1:
        return int(parts[1])
    return major


def _release_version(jdk: Path) -> tuple[int, ...] | None:
    """Numeric JAVA_VERSION from a JDK's `release` file, or None if unreadable."""
    try:
        text = (jdk / "release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = _JAVA_VERSION_RE.search(text)
    if match is None or java_major(match.group(1)) is None:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
    if numbers[0] == 1:
        numbers = numbers[1:]
    return tuple(numbers)


def find_java_home(
    environ: Mapping[str, str] = os.environ, jvm_root: Path = JVM_ROOT, min_major: int = MIN_JAVA
) -> Path:
    """Return ES_JAVA_HOME if set, else the newest JDK >= min_major under jvm_root."""
    explicit = environ.get("ES_JAVA_HOME", "").strip()
    if explicit:
        home = Path(explicit)
        if not (home / "bin" / "java").is_file():
            raise EngineError(f"ES_JAVA_HOME={explicit} has no bin/java")
        return home
    candidates: list[tuple[tuple[int, ...], str, Path]] = []
    if jvm_root.is_dir():
        for jdk in jvm_root.iterdir():
            version = _release_version(jdk)
            if version and version[0] >= min_major and (jdk / "bin" / "java").is_file():
                # Debian adds symlinked aliases of the same JDK; prefer the real directory name.
                candidates.append((version, "" if jdk.is_symlink() else jdk.name, jdk))
    if not candidates:
        raise EngineError(
            f"Elasticsearch {ES_VERSION} needs Java {min_major} or newer and none was found "
            f"under {jvm_root}; install a JDK (e.g. temurin-21-jdk) or set ES_JAVA_HOME"
        )
    return max(candidates)[2]
