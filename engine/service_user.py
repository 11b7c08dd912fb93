"""The unprivileged system user `esnode` that root runs the node as (Elasticsearch refuses root)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

from engine.errors import EngineError

SERVICE_USER = "esnode"


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
    """Give folder and everything in it to the service user."""
    for dirpath, dirnames, filenames in os.walk(folder):
        os.chown(dirpath, user, group)
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), user, group, follow_symlinks=False)
