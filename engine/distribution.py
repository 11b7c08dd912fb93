"""The Elasticsearch distribution every local node runs: fetched once with Maven, unpacked once.

Nothing is trusted for being in the cache: the zip must have the SHA-256 pinned below, after
download and before every unpack, and the unpacked tree must still hash to what was unpacked
from that zip, or it is unpacked again. Standard library only, like the rest of the package,
so it runs before the project's dependencies are installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.errors import EngineError
from engine.folders import ensure_own_dir, locked_dir, read_text_nofollow, write_new_text
from engine.messages import note, tail_text

ES_VERSION = "9.5.4"

# The integ-test zip is the only distribution Maven Central has (the full one is only on
# Elastic's own download site). It has no bundled JDK and only four modules: transport-netty4,
# x-pack-core, x-pack-security and apm. So no analysis-common (asciifolding, stemmers, language
# analyzers), no reindex (_reindex, _update_by_query), no painless, and no rest-root (GET / and
# HEAD /, so the Python client's info() fails and ping() is False).
MAVEN_ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"

# SHA-256 of each version's zip as Maven downloads it from Maven Central (for 9.5.4, two
# downloads into empty local repositories agreed). A new version needs its line here.
PINNED_SHA256 = {
    "9.5.4": "d9b0c28e08e499f6510b52ad66ec4bf9cdceab97cc28b3456989b8744b896934",
}

# Written into the unpacked tree: which zip it came from and the digest of what was unpacked.
MARKER_NAME = ".news-search-unpacked.json"
# Changed after unpacking, by design: the plugin installer verifies its own folder (engine.plugin).
_UNHASHED_TOP = frozenset({"plugins", MARKER_NAME})
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Distribution:
    """One version of Elasticsearch in the engine cache, shared by every node that runs it."""

    version: str
    root: Path

    @property
    def zip_path(self) -> Path:
        """The downloaded distribution archive."""
        return self.root / f"elasticsearch-{self.version}.zip"

    @property
    def es_home(self) -> Path:
        """The unpacked distribution."""
        return self.root / f"elasticsearch-{self.version}"

    @property
    def plugin_cache(self) -> Path:
        """Where our analysis plugin is built for this cache."""
        return self.root / "plugin"

    @property
    def sha256(self) -> str:
        """The pinned SHA-256 of this version's zip."""
        try:
            return PINNED_SHA256[self.version]
        except KeyError:
            raise EngineError(
                f"no SHA-256 is pinned for Elasticsearch {self.version}; add the checksum of "
                f"{self.zip_path.name} to PINNED_SHA256 in engine/distribution.py"
            ) from None


def fetch(dist: Distribution) -> Path:
    """Download (via Maven) and unpack the distribution once, verified; return the ES home."""
    expected = dist.sha256
    ensure_own_dir(dist.root)
    # Concurrent starts of several nodes share the distribution: one fetches, the others wait.
    with locked_dir(dist.root):
        home = dist.es_home
        if _is_intact(home, expected):
            return home
        if os.path.lexists(home):
            note(f"{home} does not match the pinned distribution; unpacking it again…")
            _discard(home, dist.root)
        if not os.path.lexists(dist.zip_path):
            _download(dist)
        _unpack(dist, expected)
    return home


def _open_nofollow(path: Path) -> BinaryIO:
    """A regular file opened for reading, never through a symbolic link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise EngineError(f"cannot read {path}: {exc}") from exc
    f = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        f.close()
        raise EngineError(f"{path} is not a regular file")
    return f


def _sha256(f: BinaryIO) -> str:
    """The SHA-256 of an open file from its start."""
    f.seek(0)
    digest = hashlib.sha256()
    while chunk := f.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a regular file, read without following a symbolic link."""
    with _open_nofollow(path) as f:
        return _sha256(f)


def _check_sha256(f: BinaryIO, name: Path, expected: str) -> None:
    """Fail unless the open file has the pinned SHA-256."""
    actual = _sha256(f)
    if actual != expected:
        raise EngineError(
            f"{name} is corrupt or was tampered with: its SHA-256 is {actual}, the pinned "
            f"one {expected}; delete it and run again"
        )


def tree_digest(home: Path) -> str:
    """A digest of the unpacked tree: every entry's path, type, mode and content.

    Fails when an entry could be changed by anyone but us: not our own, or writable by others.
    """
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(home):
        folder = Path(dirpath)
        if folder == home:
            dirnames[:] = [name for name in dirnames if name not in _UNHASHED_TOP]
            filenames = [name for name in filenames if name not in _UNHASHED_TOP]
        dirnames.sort()
        for name in sorted([*dirnames, *filenames]):
            path = folder / name
            digest.update(_entry_line(path, path.relative_to(home).as_posix()))
    return digest.hexdigest()


def _entry_line(path: Path, rel: str) -> bytes:
    """One entry of the tree digest; fails unless only we can change the entry."""
    st = os.lstat(path)
    group_write = st.st_mode & 0o020 and st.st_gid != os.getegid()
    if st.st_uid != os.geteuid() or st.st_mode & 0o002 or group_write:
        raise EngineError(f"{path} could be changed by another user")
    if stat.S_ISREG(st.st_mode):
        kind, content = "file", file_sha256(path)
    elif stat.S_ISLNK(st.st_mode):
        kind, content = "link", os.readlink(path)
    else:
        kind, content = ("dir" if stat.S_ISDIR(st.st_mode) else "other"), ""
    return f"{rel}\0{kind}\0{stat.S_IMODE(st.st_mode):o}\0{content}\n".encode()


def _is_intact(home: Path, zip_sha256: str) -> bool:
    """Whether home was unpacked from the pinned zip and is unchanged since."""
    try:
        st = os.lstat(home)
    except FileNotFoundError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    marker = read_text_nofollow(home / MARKER_NAME)
    try:
        recorded = json.loads(marker) if marker else {}
    except ValueError:
        return False
    if not isinstance(recorded, dict) or recorded.get("zip_sha256") != zip_sha256:
        return False
    try:
        return recorded.get("tree_sha256") == tree_digest(home)
    except (EngineError, OSError):
        return False


def _unpack(dist: Distribution, zip_sha256: str) -> None:
    """Unpack the verified zip beside the target, record its digest, then move it into place."""
    home = dist.es_home
    note(f"unpacking {dist.zip_path.name}…")
    # Unpack beside the target and rename, so an interrupted unpack never looks complete.
    staging = Path(tempfile.mkdtemp(prefix=f".unpack-{dist.version}-", dir=dist.root))
    try:
        # One handle for the check and the unpack, so what is unpacked is what was checked.
        with _open_nofollow(dist.zip_path) as archive:
            _check_sha256(archive, dist.zip_path, zip_sha256)
            _unzip(archive, staging, dist.zip_path)
        unpacked = staging / home.name
        if not (unpacked / "bin" / "elasticsearch").is_file():
            raise EngineError(f"{dist.zip_path} does not contain {home.name}/bin/elasticsearch")
        marker = {"zip_sha256": zip_sha256, "tree_sha256": tree_digest(unpacked)}
        write_new_text(unpacked / MARKER_NAME, json.dumps(marker) + "\n")
        unpacked.rename(home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _discard(path: Path, root: Path) -> None:
    """Remove a tree (or a link) from the cache without following any link inside it."""
    trash = Path(tempfile.mkdtemp(prefix=".discard-", dir=root))
    os.rename(path, trash / "old")
    # shutil.rmtree works through directory descriptors on Linux: a link is removed, not entered.
    shutil.rmtree(trash)


def _download(dist: Distribution) -> None:
    """Copy the distribution zip from Maven Central into the cache, once it matches the pin."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise EngineError(
            f"Maven (mvn) is needed to download Elasticsearch {dist.version}; install it, "
            f"or place elasticsearch-{dist.version}.zip in {dist.root}"
        )
    artifact = MAVEN_ARTIFACT.format(version=dist.version)
    note(f"fetching {artifact} with Maven…")
    with tempfile.TemporaryDirectory(prefix=".download-", dir=dist.root) as tmp:
        cmd = [
            mvn,
            "-q",
            "-B",
            "dependency:copy",
            f"-Dartifact={artifact}",
            f"-DoutputDirectory={tmp}",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        downloaded = Path(tmp) / dist.zip_path.name
        if done.returncode != 0 or not downloaded.is_file():
            tail = tail_text(done.stdout + done.stderr)
            code = done.returncode
            raise EngineError(f"mvn could not download {artifact} (exit {code}):\n{tail}")
        with _open_nofollow(downloaded) as archive:
            _check_sha256(archive, dist.zip_path, dist.sha256)
        downloaded.replace(dist.zip_path)


def _unzip(archive: BinaryIO, dest: Path, name: Path) -> None:
    """Extract a zip, keeping the Unix modes zipfile drops (bin/ scripts must stay executable)."""
    archive.seek(0)
    try:
        with zipfile.ZipFile(archive) as zf:
            modes: list[tuple[Path, int]] = []
            for info in zf.infolist():
                target = Path(zf.extract(info, dest))
                mode = (info.external_attr >> 16) & 0o777
                if mode:
                    modes.append((target, mode))
            # Directories last and deepest first, so a read-only directory cannot block its files.
            modes.sort(key=lambda item: (item[0].is_dir(), -len(item[0].parts)))
            for target, mode in modes:
                target.chmod(mode)
    except zipfile.BadZipFile as exc:
        raise EngineError(f"{name} is corrupt ({exc}); delete it and run again") from exc
