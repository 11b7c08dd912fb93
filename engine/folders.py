"""Folders and files the launcher writes, made so that no other local user can redirect them.

Root runs the launcher on CI and on shared machines, and the node's folder can sit in /var/tmp,
where anyone may create entries. So every folder is created by us alone (an exclusive mkdir,
never one that someone else made first), checked for owner and mode before use, and every file
written as root is created anew without following a symbolic link.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pwd
import stat
from collections.abc import Iterator
from pathlib import Path

from engine.errors import EngineError

# What we create: readable and enterable by the service user, writable by us alone.
DIR_MODE = 0o755
FILE_MODE = 0o644
_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


def _owner(uid: int) -> str:
    """A user name for messages, or the bare uid."""
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


def check_own_dir(path: Path) -> None:
    """Fail unless path is a real folder (no symlink) of ours that only we can write to."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise EngineError(f"{path} does not exist") from None
    if stat.S_ISLNK(st.st_mode):
        raise EngineError(f"{path} is a symbolic link; refusing to use it (remove it)")
    if not stat.S_ISDIR(st.st_mode):
        raise EngineError(f"{path} is not a folder; refusing to use it (remove it)")
    if st.st_uid != os.geteuid():
        raise EngineError(
            f"{path} belongs to {_owner(st.st_uid)}, not to {_owner(os.geteuid())}: someone else "
            "may have created it first. Refusing to use it: remove it, or set ENGINE_CACHE to "
            "a folder of your own"
        )
    if st.st_mode & 0o022:
        raise EngineError(
            f"{path} can be written by other users (mode {stat.S_IMODE(st.st_mode):o}); "
            f"refusing to use it: chmod go-w {path}"
        )


def _check_ancestor(path: Path) -> None:
    """Fail when a folder above ours could be changed by a user other than us or root."""
    st = os.stat(path)
    sticky = bool(st.st_mode & stat.S_ISVTX)  # /tmp, /var/tmp: others cannot move our entries
    foreign_owner = st.st_uid not in (0, os.geteuid())
    others_write = st.st_mode & 0o002 or (st.st_mode & 0o020 and st.st_gid != os.getegid())
    if foreign_owner or (others_write and not sticky):
        raise EngineError(
            f"{path} (owner {_owner(st.st_uid)}, mode {stat.S_IMODE(st.st_mode):o}) could be "
            "changed by another user, who could then swap the engine's folder; set ENGINE_CACHE "
            "to a folder under one only you and root can write"
        )


def ensure_own_dir(path: Path) -> Path:
    """Create path (and missing parents) as ours alone, or check the existing one; return it.

    An existing folder is used only if it is ours and only we can write to it: one that another
    user created first, a symlink, or a folder others can write to is refused.
    """
    path = Path(os.path.abspath(path))
    missing: list[Path] = []
    existing = path
    while not os.path.lexists(existing):
        missing.append(existing)
        existing = existing.parent
    # The folders above, as they really are: where a link leads is what could be swapped.
    anchor = Path(os.path.realpath(existing if missing else path.parent))
    for ancestor in [anchor, *anchor.parents]:
        _check_ancestor(ancestor)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            pass  # someone raced us: the checks below decide whether it can be used
        else:
            _set_mode(folder, DIR_MODE)
        check_own_dir(folder)
    check_own_dir(path)
    return path


def _set_mode(folder: Path, mode: int) -> None:
    """chmod a folder we just made (mkdir's mode is cut by the umask) through a no-follow handle."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def reclaim_dir(path: Path) -> None:
    """Take back a folder of ours that an older launcher gave to the service user."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
    try:
        os.fchown(fd, os.geteuid(), os.getegid())
        os.fchmod(fd, DIR_MODE)
    finally:
        os.close(fd)


@contextlib.contextmanager
def new_file(path: Path) -> Iterator[int]:
    """A fresh file of ours at path, replacing whatever entry was there; yields its descriptor.

    The old entry is unlinked, never opened: a symlink or a hard link planted there leads
    nowhere. The parent must be a folder only we can write to (see ensure_own_dir).
    """
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE)
    try:
        yield fd
    finally:
        os.close(fd)


def write_new_text(path: Path, text: str) -> None:
    """Write text to a fresh file of ours at path (see new_file)."""
    with new_file(path) as fd:
        os.write(fd, text.encode())


def read_text_nofollow(path: Path, limit: int = 4096) -> str | None:
    """The start of a regular file, never through a symlink; None if there is none."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, limit).decode(errors="replace")
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on a lock file of ours at path (created if missing)."""
    fd = _open_lock(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open_lock(path: Path) -> int:
    """Open (or create) a lock file without following a symlink; replace one that is not ours."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | _NOFOLLOW, FILE_MODE)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
    else:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and st.st_nlink == 1:
            return fd
        os.close(fd)
    # A link, or a file an older launcher gave to the service user: ours to replace.
    os.unlink(path)
    return os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE)


@contextlib.contextmanager
def locked_dir(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on a folder itself, so no lock file is left in it."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
