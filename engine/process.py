"""The node's process: its pid file, telling it from a reused pid, signals and waiting.

Works on any pid, so it serves one node or several alike.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import time
from pathlib import Path

from engine.folders import read_text_nofollow

# Handles of nodes this process launched, so stop() and the startup wait can reap them.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@atexit.register
def _disown_children() -> None:
    """Let launched nodes outlive this process without Popen reporting them as leaked."""
    for proc in _CHILDREN.values():
        if proc.poll() is None:
            # Popen.__del__ raises a ResourceWarning for a child whose returncode is None; here
            # the node is meant to keep running, and init reaps it when it finally exits.
            proc.returncode = 0
    _CHILDREN.clear()


def adopt(proc: subprocess.Popen[bytes]) -> None:
    """Remember a node this process launched, so it can be reaped and its exit code read."""
    _CHILDREN[proc.pid] = proc


def forget(pid: int) -> None:
    """Drop a stopped node from the launched set."""
    _CHILDREN.pop(pid, None)


def read_pid(pid_file: Path) -> int | None:
    """The pid stored in pid_file, or None if it is missing or garbage."""
    raw = read_text_nofollow(pid_file)
    text = raw.strip() if raw is not None else ""
    return int(text) if text.isdigit() and int(text) > 0 else None


def node_pid(pid_file: Path) -> int | None:
    """The pid from the pid file if it is still a live Elasticsearch JVM."""
    pid = read_pid(pid_file)
    return pid if pid is not None and is_node_process(pid) else None


def _cmdline(pid: int) -> list[str]:
    """A process's argv, or [] if it is gone or a zombie."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        if Path("/proc/self").exists():
            return []
        # No procfs (macOS): ask ps, which prints the command line space-joined.
        done = subprocess.run(
            ["ps", "-o", "args=", "-p", str(pid)], capture_output=True, text=True, check=False
        )
        return done.stdout.split()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def is_node_process(pid: int) -> bool:
    """Whether pid is a live java process running Elasticsearch (guards against pid reuse)."""
    argv = _cmdline(pid)
    is_java = bool(argv) and Path(argv[0]).name == "java"
    return is_java and any("elasticsearch" in arg for arg in argv)


def alive(pid: int) -> bool:
    """Whether pid still runs; reaps it if it is our own exited child."""
    proc = _CHILDREN.get(pid)
    if proc is not None:
        return proc.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # An exited process whose parent has not reaped it yet still accepts signal 0.
    return bool(_cmdline(pid))


def exit_code(pid: int) -> int | None:
    """Exit code of a child this process launched, if known."""
    proc = _CHILDREN.pop(pid, None)
    return proc.returncode if proc is not None else None


def signal_group(pid: int, sig: signal.Signals) -> None:
    """Send sig to the process group led by pid, or to pid alone if it leads none."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running (zombies do not count)."""
    proc = Path("/proc")
    if not (proc / "self").exists():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # After the ")" that closes the command name: state, ppid, pgrp, ...
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def wait_gone(pid: int, timeout: float) -> bool:
    """Wait up to timeout seconds for pid and the rest of its group to exit."""
    deadline = time.monotonic() + timeout
    while alive(pid) or _group_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)
    return True
