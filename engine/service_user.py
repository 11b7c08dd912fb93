"""The unprivileged system user `esnode` that root runs the node as (Elasticsearch refuses root)."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

from engine.errors import EngineError

SERVICE_USER = "esnode"
# Opens an entry to change its owner: never a link, and never blocking on a FIFO.
_OPEN_ENTRY = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def run_as() -> tuple[int | None, int | None]:
    """The uid and gid to run the node as: the service user when we are root, else unchanged."""
    if os.geteuid() != 0:
        return None, None
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        entry = _create_service_user()
    return entry.pw_uid, entry.pw_gid


def _create_service_user() -> pwd.struct_passwd:
    """Create the unprivileged system user that runs the node."""
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    cmd = [
        useradd,
        "--system",
        "--user-group",
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        SERVICE_USER,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    try:
        # Re-read even on failure: a concurrent start may have created the user first.
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        raise EngineError(
            f"running as root, and could not create user {SERVICE_USER!r} to run Elasticsearch: "
            f"{done.stderr.strip() or done.returncode}"
        ) from None


def others_can_enter(path: Path) -> bool:
    """Whether every existing folder on the way to path lets other users pass (o+x)."""
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents] if p.exists())


def check_reachable(path: Path) -> None:
    """Fail clearly when a parent directory would stop the service user."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode if parent.exists() else 0o755
        if not mode & 0o001:
            raise EngineError(
                f"user {SERVICE_USER!r} cannot enter {parent} (mode {mode & 0o777:o}); "
                "chmod o+x it, or set ENGINE_CACHE to a directory outside it"
            )


def hand_over(folder: Path, user: int, group: int) -> None:
    """Give folder and everything in it to the service user, never through a link.

    The service user can change what is inside while we walk it, so every change of owner goes
    through a handle opened without following links: a link planted anywhere leads nowhere, and
    a file with other names elsewhere (a hard link) is left alone.
    """
    # fwalk hands over each folder as an open descriptor and never descends into a link.
    for _path, _dirs, files, dir_fd in os.fwalk(folder):
        _give(dir_fd, user, group)
        for name in files:
            try:
                fd = os.open(name, _OPEN_ENTRY, dir_fd=dir_fd)
            except OSError:
                continue  # a link (ELOOP), or gone already: nothing of ours to hand over
            try:
                st = os.fstat(fd)
                if stat.S_ISREG(st.st_mode) and st.st_nlink == 1:
                    _give(fd, user, group)
            finally:
                os.close(fd)


def _give(fd: int, user: int, group: int) -> None:
    """chown an open file or folder unless it already belongs to user and group."""
    st = os.fstat(fd)
    if (st.st_uid, st.st_gid) != (user, group):
        os.fchown(fd, user, group)
