"""Disrupting a local cluster on purpose: kill, pause and restart its nodes, and watch searches.

Modelled on Elasticsearch's own test framework (`test/framework/.../disruption/`): a disruption
is started, the cluster is watched while it lasts, it is stopped, and the cluster must heal by
itself. Everything is bounded in time. Used by the fault tests in this folder and by
`bench/cluster_faults.py`, which compares client settings under the same disruptions.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from elasticsearch import Elasticsearch

from engine import ClusterConfig, NodeConfig, start, stop_cluster
from engine.process import node_pid

# A node that does not exit or answer within these is a failed test, never a hung one.
GONE_SECONDS = 30.0
GREEN_SECONDS = 180.0


class LocalCluster:
    """The nodes of a cluster this process started, addressed by name."""

    def __init__(self, config: ClusterConfig) -> None:
        self.config = config
        self.urls = config.urls
        self.client = Elasticsearch(self.urls, request_timeout=30, max_retries=3)

    @property
    def es_url(self) -> str:
        """Every node's URL, comma-separated, as ES_URL takes them."""
        return ",".join(self.urls)

    def node(self, name: str) -> NodeConfig:
        """The config of the node called `name`, as it restarts (it never bootstraps again)."""
        for node in self.config.node_configs(bootstrap=False):
            if node.name == name:
                return node
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        """Every node's name."""
        return [node.name for node in self.config.node_configs(bootstrap=False)]

    def master(self) -> str:
        """The name of the elected master."""
        rows = self.client.cat.master(format="json", h="node")
        return str(rows[0]["node"])

    def primaries(self, index: str) -> list[str]:
        """The names of the nodes holding a started primary of `index`."""
        rows = self.client.cat.shards(index=index, format="json", h="prirep,state,node")
        return sorted({r["node"] for r in rows if r["prirep"] == "p" and r["state"] == "STARTED"})

    def wait_for_new_master(self, old: str, timeout: float = GONE_SECONDS) -> str:
        """Wait until a node other than `old` is the elected master; its name."""
        elected: list[str] = []

        def moved() -> bool:
            elected[:] = [self.master()]
            return elected[0] not in (old, "-")

        wait_until(moved, timeout, f"no master other than {old} was elected")
        return elected[0]

    def kill(self, name: str) -> None:
        """SIGKILL a node's whole process group, as a crash or the OOM killer would."""
        node = self.node(name)
        pid = _pid(node)
        os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)  # reap it if this process launched it
        wait_until(lambda: not _port_open(node.port), GONE_SECONDS, f"{name} still answers")

    def pause(self, name: str) -> None:
        """SIGSTOP a node: it holds its connections open and answers nothing, like a long GC."""
        os.killpg(_pid(self.node(name)), signal.SIGSTOP)

    def resume(self, name: str) -> None:
        """SIGCONT a paused node."""
        os.killpg(_pid(self.node(name)), signal.SIGCONT)

    def restart(self, name: str) -> None:
        """Start a killed node again; it rejoins the cluster with what its disk still holds."""
        start(self.node(name), timeout=GREEN_SECONDS)

    def wait_green(self, timeout: float = GREEN_SECONDS) -> None:
        """Wait until every node is in and every shard copy is assigned, or fail."""
        health = self.client.options(request_timeout=timeout + 10).cluster.health(
            wait_for_status="green",
            wait_for_nodes=str(self.config.size),
            wait_for_no_relocating_shards=True,
            timeout=f"{int(timeout)}s",
        )
        if health["timed_out"]:
            raise AssertionError(f"the cluster is not green in {timeout:.0f}s: {dict(health)}")

    def resume_all(self) -> None:
        """SIGCONT every running node (a paused node must be resumed before it can be stopped)."""
        for node in self.config.node_configs(bootstrap=False):
            pid = node_pid(node.pid_file)
            if pid is not None:
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGCONT)

    def stop(self) -> None:
        """Stop every node, paused ones included, and close the client."""
        self.resume_all()
        try:
            stop_cluster(self.config, timeout=30)
        finally:
            self.client.close()


def _pid(node: NodeConfig) -> int:
    """The running node's pid (its process group's too)."""
    pid = node_pid(node.pid_file)
    if pid is None:
        raise AssertionError(f"node {node.name} is not running")
    return pid


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(ready: Callable[[], bool], timeout: float, failure: str) -> None:
    """Poll `ready` until it holds; an AssertionError saying `failure` after `timeout` s.

    An error while asking counts as not ready yet (the cluster is between states).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if ready():
                return
        except Exception:
            pass
        if time.monotonic() >= deadline:
            raise AssertionError(failure)
        time.sleep(0.2)


@dataclass(frozen=True)
class Answer:
    """One search as a client saw it: when it was sent, how long it took, what came back."""

    sent: float
    seconds: float
    status: int
    total: int | None
    query: str


@dataclass
class SearchLoop:
    """Searches one after another in a thread until stopped, recording every answer.

    `search(query)` returns the HTTP status and the total; an exception counts as status 0.
    """

    search: Callable[[str], tuple[int, int | None]]
    queries: list[str]
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> SearchLoop:
        """Start searching in the background."""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        turn = 0
        while not self._stop.is_set():
            query = self.queries[turn % len(self.queries)]
            turn += 1
            sent = time.monotonic()
            try:
                status, total = self.search(query)
            except Exception:
                status, total = 0, None
            self.answers.append(Answer(sent, time.monotonic() - sent, status, total, query))

    def stop(self) -> list[Answer]:
        """Stop searching (after the search in flight) and return every answer."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=120)
        return list(self.answers)

    def since(self, moment: float) -> list[Answer]:
        """The answers to searches sent at or after `moment`."""
        return [a for a in list(self.answers) if a.sent >= moment]


@dataclass(frozen=True)
class Summary:
    """Searches of one period: how many, how many failed or had the wrong total, latency."""

    searches: int
    failed: int
    wrong_totals: int
    p50: float
    p95: float
    slowest: float
    statuses: dict[int, int]
    # Answers slower than the `slow` seconds given to `of`.
    slow: int = 0

    @classmethod
    def of(cls, answers: list[Answer], expected: dict[str, int], slow: float = 3.0) -> Summary:
        """Summarise answers against the totals each query had before any disruption."""
        seconds = sorted(a.seconds for a in answers) or [0.0]
        statuses: dict[int, int] = {}
        for a in answers:
            statuses[a.status] = statuses.get(a.status, 0) + 1
        return cls(
            searches=len(answers),
            failed=sum(a.status != 200 for a in answers),
            wrong_totals=sum(a.status == 200 and a.total != expected[a.query] for a in answers),
            p50=statistics.median(seconds),
            p95=seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))],
            slowest=seconds[-1],
            statuses=statuses,
            slow=sum(a.seconds > slow for a in answers),
        )

    def __str__(self) -> str:
        return (
            f"{self.searches} searches, {self.failed} failed {self.statuses}, "
            f"{self.wrong_totals} wrong totals, p50 {self.p50 * 1000:.0f} ms, "
            f"p95 {self.p95 * 1000:.0f} ms, slowest {self.slowest * 1000:.0f} ms, {self.slow} slow"
        )


@contextlib.contextmanager
def searching(loops: list[SearchLoop]) -> Iterator[list[SearchLoop]]:
    """Run search loops for the length of a block, stopped however the block ends."""
    for loop in loops:
        loop.start()
    try:
        yield loops
    finally:
        for loop in loops:
            loop.stop()
