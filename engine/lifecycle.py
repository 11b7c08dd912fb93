"""Start, stop and inspect one local node: launch it, wait until it is healthy, reap it.

Each function takes the node's NodeConfig, so several nodes are several configs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from engine import probe, process
from engine.command import node_command
from engine.config import NodeConfig
from engine.distribution import fetch
from engine.errors import EngineError
from engine.folders import DIR_MODE, ensure_own_dir, locked, new_file, reclaim_dir, write_new_text
from engine.java import find_java_home
from engine.messages import note, tail_file
from engine.plugin import PLUGIN_NAME, build_plugin, ensure_plugin, zip_build
from engine.service_user import check_reachable, hand_over, run_as

POLL_INTERVAL = 0.5
# What the node writes, owned by the service user; the node folder itself stays ours.
NODE_SUBDIRS = ("data", "logs", "tmp")


@dataclass(frozen=True)
class NodeStatus:
    """What status() found on the configured port."""

    running: bool
    url: str
    pid: int | None = None
    version: str | None = None
    cluster_status: str | None = None

    def describe(self) -> str:
        """One human-readable line."""
        if not self.running:
            pid = f" (pid {self.pid} alive but not answering)" if self.pid else ""
            return f"not running at {self.url}{pid}"
        pid = f" pid={self.pid}" if self.pid else " (not started by this launcher)"
        return f"running at {self.url} version={self.version} cluster={self.cluster_status}{pid}"


def start(cfg: NodeConfig, timeout: float = 180) -> str:
    """Start the node, or reuse one already answering on the port; return its URL once healthy."""
    began = time.monotonic()
    pid = start_nowait(cfg)
    wait_healthy(cfg, pid, began + timeout)
    if pid is not None:
        note(f"ready in {time.monotonic() - began:.1f}s at {cfg.url}")
    return cfg.url


def start_nowait(cfg: NodeConfig) -> int | None:
    """Launch the node without waiting for it: its pid, or None when a running node is reused.

    The nodes of a new cluster are all launched first and waited on after: none of them is
    healthy before enough of them run to elect a master.
    """
    version = probe.probe_version(cfg.url)
    if version is not None:
        _check_identity(cfg)
        ours = process.node_pid(cfg.pid_file) is not None
        if probe.has_plugin(cfg.url):
            # A node this launcher started keeps the plugin build it loaded at its start; after
            # a checkout brings a new build (a new filter the mapping names), restart it.
            if not ours or probe.plugin_builds(cfg.url) == {expected_plugin_build(cfg)}:
                mismatch = "" if version == cfg.version else f" (wanted {cfg.version})"
                note(f"reusing Elasticsearch {version} already running at {cfg.url}{mismatch}")
                return None
            note(f"restarting the node at {cfg.url} to load this checkout's {PLUGIN_NAME} build…")
        elif not ours:
            # The index mapping needs the plugin's filters: a node without it cannot hold
            # articles.
            raise EngineError(
                f"the Elasticsearch node at {cfg.url} lacks the {PLUGIN_NAME} plugin the index "
                "mapping needs (engine/plugin/); stop it or set ES_PORT to another port"
            )
        else:
            note(f"restarting the node at {cfg.url} to load the {PLUGIN_NAME} plugin…")
        stop(cfg)
    _own_node_dir(cfg)
    # Two starts at once (parallel test workers, `make run` beside pytest) must not both launch.
    with locked(cfg.node_dir / "start.lock"):
        pid = process.node_pid(cfg.pid_file)
        if pid is not None:
            note(f"node pid {pid} is still starting; waiting for it…")
        elif probe.port_open(cfg.port):
            raise EngineError(
                f"127.0.0.1:{cfg.port} is taken by something that does not answer as an open "
                "Elasticsearch node; stop it or set ES_PORT to another port"
            )
        else:
            pid = _launch(cfg)
    return pid


def expected_plugin_build(cfg: NodeConfig) -> str | None:
    """The build id of the plugin this checkout makes (built first if its sources changed)."""
    cache = ensure_own_dir(cfg.distribution.plugin_cache)
    return zip_build(build_plugin(find_java_home(), version=cfg.version, out_dir=cache))


def _check_identity(cfg: NodeConfig) -> None:
    """A node of a cluster is reused only if it is that node: same node name, same cluster."""
    if cfg.cluster is None:
        return
    wanted = (cfg.cluster.cluster_name, cfg.name)
    found = probe.node_identity(cfg.url)
    if found != wanted:
        what = f"node {found[1]!r} of cluster {found[0]!r}" if found else "another node"
        raise EngineError(
            f"{cfg.url} is taken by {what}, not node {cfg.name!r} of cluster "
            f"{wanted[0]!r}; stop it or set ES_PORT to other ports"
        )


def _own_node_dir(cfg: NodeConfig) -> None:
    """Make the node's folder ours alone: the pid file, console log and lock live in it."""
    ensure_own_dir(cfg.root)
    node = cfg.node_dir
    user, _group = run_as()
    with contextlib.suppress(FileNotFoundError):
        st = os.lstat(node)
        if user is not None and stat.S_ISDIR(st.st_mode) and st.st_uid == user:
            # An older launcher gave the whole folder to the service user; only its
            # subfolders are the node's to write.
            reclaim_dir(node)
    ensure_own_dir(node)


def _launch(cfg: NodeConfig) -> int:
    """Prepare the node directory and spawn the node detached; return its pid."""
    dist = cfg.distribution
    es_home = fetch(dist)
    java_home = find_java_home()
    ensure_plugin(es_home, java_home, version=cfg.version, cache=ensure_own_dir(dist.plugin_cache))
    user, group = run_as()
    _prepare_node_dir(cfg, es_home, user, group)
    argv, env = node_command(cfg, es_home, java_home)
    note(f"starting Elasticsearch {cfg.version} on {cfg.url} with {java_home.name}…")
    # Written by us (root, on CI) in a folder only we can write to, and created anew: a link
    # left where the log or the pid file go is replaced, never followed.
    with new_file(cfg.console_log) as log:
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=cfg.node_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own session: no terminal hangup or Ctrl-C in the caller's shell reaches the node.
            start_new_session=True,
            user=user,
            group=group,
            # Without this the child keeps root's supplementary groups.
            extra_groups=[] if user is not None else None,
        )
    process.adopt(proc)
    write_new_text(cfg.pid_file, f"{proc.pid}\n")
    return proc.pid


def _prepare_node_dir(cfg: NodeConfig, es_home: Path, user: int | None, group: int | None) -> None:
    """Create config/data/logs/tmp under the node dir and hand those to the node's user."""
    node = cfg.node_dir
    for sub in NODE_SUBDIRS:
        _node_subdir(node / sub)
    # The snapshot folder: the node's own, or the one its cluster shares (created once).
    repo = cfg.snapshot_dir
    ensure_own_dir(repo.parent)
    _node_subdir(repo)
    # A fresh copy on every start: all our settings are -E flags, so the config is disposable,
    # and anything ES wrote into it last time (keystore, certificates) cannot leak into this run.
    # rmtree works through directory descriptors on Linux, so a link inside is never entered.
    shutil.rmtree(node / "config", ignore_errors=True)
    shutil.copytree(es_home / "config", node / "config")
    if user is None or group is None:
        return
    check_reachable(cfg.root)
    check_reachable(es_home)
    check_reachable(repo)
    for sub in (*NODE_SUBDIRS, "config"):
        hand_over(node / sub, user, group)
    hand_over(repo, user, group)


def _node_subdir(path: Path) -> None:
    """Create a folder the node writes to, or check that the existing one is a real folder."""
    try:
        os.mkdir(path, DIR_MODE)
    except FileExistsError:
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "not a folder"
            raise EngineError(f"{path} is {kind}; refusing to use it (remove it)") from None


def wait_healthy(
    cfg: NodeConfig, pid: int | None, deadline: float, *, nodes: int | None = None
) -> None:
    """Poll cluster health until yellow or green (with `nodes` nodes); fail fast if pid dies."""
    last = "no answer" if nodes is None else f"no cluster of {nodes} nodes formed"
    while True:
        if pid is not None and not process.alive(pid):
            code = process.exit_code(pid)
            cfg.pid_file.unlink(missing_ok=True)
            how = f" with code {code}" if code is not None else ""
            raise EngineError(
                f"Elasticsearch exited during startup{how}; "
                f"last lines of {cfg.console_log}:\n{tail_file(cfg.console_log)}"
            )
        status = probe.cluster_status(cfg.url, wait_for_yellow=True, nodes=nodes)
        if status in ("yellow", "green"):
            return
        if status is not None:
            last = f"cluster status {status}"
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_INTERVAL)
    if pid is not None:
        # A half-started node would hold the port and the data dir lock; do not leave it behind.
        stop(cfg, timeout=30)
    raise EngineError(
        f"Elasticsearch at {cfg.url} was not healthy in time ({last}); "
        f"last lines of {cfg.console_log}:\n{tail_file(cfg.console_log)}"
    )


def stop(cfg: NodeConfig, timeout: float = 60) -> bool:
    """Stop the node this launcher started on the port; return whether anything was stopped."""
    pid = process.read_pid(cfg.pid_file)
    if pid is None:
        return False
    if not process.is_node_process(pid):
        cfg.pid_file.unlink(missing_ok=True)  # stale: the node died or the pid was reused
        return False
    # The pid is the launcher JVM; the server JVM it forks shares its process group (start()
    # made the launcher a group leader). Signalling the group is what Ctrl-C does in a terminal,
    # and it also reaches a server whose launcher died first, e.g. when stopped mid-startup.
    process.signal_group(pid, signal.SIGTERM)
    # A paused node (SIGSTOP, as the fault tests do) acts on SIGTERM only once resumed.
    process.signal_group(pid, signal.SIGCONT)
    if not process.wait_gone(pid, timeout):
        note(f"pid {pid} ignored SIGTERM for {timeout:.0f}s; killing it")
        process.signal_group(pid, signal.SIGKILL)
        process.wait_gone(pid, 10)
    cfg.pid_file.unlink(missing_ok=True)
    process.forget(pid)
    return True


def status(cfg: NodeConfig) -> NodeStatus:
    """Report whether a node answers on the port, with its version and cluster health."""
    pid = process.node_pid(cfg.pid_file)
    version = probe.probe_version(cfg.url)
    if version is None:
        return NodeStatus(running=False, url=cfg.url, pid=pid)
    return NodeStatus(
        running=True,
        url=cfg.url,
        pid=pid,
        version=version,
        cluster_status=probe.cluster_status(cfg.url),
    )
