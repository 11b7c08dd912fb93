"""A local cluster: several nodes of one distribution on loopback, started and stopped together.

Node i (from 1) listens on HTTP port `port + i - 1` and transport port `transport_port + i - 1`
(by default 100 above its HTTP port, as Elasticsearch's own 9200/9300 pair). Each node has its
own folder (config, data, logs): nodes sharing a config folder race on its keystore. They share
the distribution and one snapshot folder, as an `fs` repository requires.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from engine.config import DEFAULT_HEAP, DEFAULT_PORT, DEFAULT_ROOT, Membership, NodeConfig
from engine.distribution import ES_VERSION
from engine.errors import EngineError
from engine.lifecycle import NodeStatus, start_nowait, status, stop, wait_healthy
from engine.messages import note

# Three is the smallest cluster that keeps a master when any one node goes away: a master is
# elected by a majority of the master-eligible nodes, and every node here is one.
DEFAULT_NODES = 3
MAX_NODES = 9
TRANSPORT_OFFSET = 100
_PORT_RE = re.compile(r"\d{1,5}")


@dataclass(frozen=True)
class ClusterConfig:
    """Where and how the nodes of one local cluster run; `name` names its folders."""

    size: int = DEFAULT_NODES
    port: int = DEFAULT_PORT
    transport_port: int | None = None
    heap: str = DEFAULT_HEAP
    root: Path = field(default=DEFAULT_ROOT)
    version: str = ES_VERSION
    name: str = ""

    def __post_init__(self) -> None:
        if not 2 <= self.size <= MAX_NODES:
            raise EngineError(f"a cluster has 2 to {MAX_NODES} nodes, not {self.size}")
        if self.transport_port is None:
            object.__setattr__(self, "transport_port", self.port + TRANSPORT_OFFSET)
        if not self.name:
            object.__setattr__(self, "name", f"cluster-{self.port}")
        assert self.transport_port is not None
        http = range(self.port, self.port + self.size)
        transport = range(self.transport_port, self.transport_port + self.size)
        if http[-1] > 65535 or transport[-1] > 65535:
            raise EngineError(f"{self.size} nodes from port {self.port} run past port 65535")
        if set(http) & set(transport):
            raise EngineError("the HTTP and transport ports of the nodes overlap")
        # Checks the name and the rest (heap, version) once, as every node will.
        self.node_configs(bootstrap=False)

    @classmethod
    def from_env(cls, size: int, environ: Mapping[str, str] = os.environ) -> ClusterConfig:
        """A cluster of `size` nodes from ES_PORT (the first node's), ES_TRANSPORT_PORT, etc."""
        first = NodeConfig.from_env(environ)
        text = environ.get("ES_TRANSPORT_PORT", "").strip()
        if text and not _PORT_RE.fullmatch(text):
            raise EngineError(f"ES_TRANSPORT_PORT must be a port number, got {text!r}")
        return cls(
            size=size,
            port=first.port,
            transport_port=int(text) if text else None,
            heap=first.heap,
            root=first.root,
            version=first.version,
        )

    @property
    def cluster_name(self) -> str:
        """The Elasticsearch cluster.name, distinct per cluster so no node strays into another."""
        return f"news-search-{self.name}"

    @property
    def folder(self) -> Path:
        """The cluster's own folder under root, beside its nodes' folders: the snapshots."""
        return self.root / self.name

    @property
    def snapshot_dir(self) -> Path:
        """The snapshot folder (`path.repo`) every node of the cluster shares."""
        return self.folder / "snapshots"

    @property
    def urls(self) -> list[str]:
        """The HTTP URL of every node, in order."""
        return [node.url for node in self.node_configs(bootstrap=False)]

    def formed(self) -> bool:
        """Whether any node has started before: its data folder holds cluster state."""
        return any(
            (node.node_dir / "data" / "_state").exists()
            for node in self.node_configs(bootstrap=False)
        )

    def node_configs(self, *, bootstrap: bool | None = None) -> list[NodeConfig]:
        """Every node's config. Only a cluster that never formed names its initial masters.

        `bootstrap` defaults to what the nodes' folders say (see `formed`).
        """
        assert self.transport_port is not None
        if bootstrap is None:
            bootstrap = not self.formed()
        names = tuple(f"{self.name}-{i}" for i in range(1, self.size + 1))
        transports = [self.transport_port + i for i in range(self.size)]
        membership = Membership(
            cluster_name=self.cluster_name,
            seed_hosts=tuple(f"127.0.0.1:{port}" for port in transports),
            initial_masters=names if bootstrap else (),
        )
        return [
            NodeConfig(
                version=self.version,
                port=self.port + i,
                heap=self.heap,
                root=self.root,
                name=names[i],
                transport_port=transports[i],
                cluster=membership,
                repo_dir=self.snapshot_dir,
            )
            for i in range(self.size)
        ]


def start_cluster(cluster: ClusterConfig, timeout: float = 240) -> list[str]:
    """Start every node (reusing those already running) and wait until all have joined.

    All nodes are launched before any is waited on: none is healthy until a majority runs.
    If the cluster does not form in time, the nodes launched here are stopped again.
    """
    began = time.monotonic()
    deadline = began + timeout
    nodes = cluster.node_configs()
    launched: list[tuple[NodeConfig, int | None]] = []
    try:
        for node in nodes:
            launched.append((node, start_nowait(node)))
        for node, pid in launched:
            wait_healthy(node, pid, deadline, nodes=cluster.size)
    except BaseException:
        for node, pid in launched:
            if pid is not None:
                stop(node, timeout=30)
        raise
    if any(pid is not None for _, pid in launched):
        seconds = time.monotonic() - began
        note(f"cluster {cluster.cluster_name} of {cluster.size} nodes ready in {seconds:.1f}s")
    return cluster.urls


def stop_cluster(cluster: ClusterConfig, timeout: float = 60) -> int:
    """Stop every node of the cluster this launcher started; return how many were stopped."""
    return sum(stop(node, timeout=timeout) for node in cluster.node_configs(bootstrap=False))


def cluster_status(cluster: ClusterConfig) -> list[NodeStatus]:
    """What answers on each node's port."""
    return [status(node) for node in cluster.node_configs(bootstrap=False)]
