"""One node's configuration: its identity (name, ports, folder), heap, cluster, and the cache."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from engine.distribution import ES_VERSION, Distribution
from engine.errors import EngineError
from engine.service_user import others_can_enter

DEFAULT_PORT = 9200
DEFAULT_HEAP = "512m"
DEFAULT_ROOT = Path(__file__).resolve().parent.parent / ".cache" / "engine"

_PORT_RE = re.compile(r"\d{1,5}")
_HEAP_RE = re.compile(r"[1-9]\d*[kmgKMG]")
_VERSION_RE = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?")
# The name is also the node's folder under the cache, so it must be one plain path segment.
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def default_root(repo_root: Path = DEFAULT_ROOT, *, euid: int | None = None) -> Path:
    """The repository's `.cache/engine`, unless root must hand it to a user who cannot enter it.

    Run by root, the node runs as the service user, who needs to pass through every parent
    folder. A checkout under a private folder (such as /root, mode 700) would stop it, so the
    node then lives under /var/tmp instead, in a folder named after the checkout.
    """
    if (os.geteuid() if euid is None else euid) != 0 or others_can_enter(repo_root):
        return repo_root
    digest = hashlib.sha1(str(repo_root).encode()).hexdigest()[:10]
    return Path("/var/tmp") / f"news-search-engine-{digest}"


def _check_port(port: int, what: str) -> None:
    """Reject a number that is not a TCP port."""
    if not 1 <= port <= 65535:
        raise EngineError(f"{what} must be a port number (1-65535), got {port}")


@dataclass(frozen=True)
class Membership:
    """How a node of a multi-node cluster finds the others (engine/cluster.py builds it)."""

    # The Elasticsearch cluster.name: a node never joins a cluster of another name.
    cluster_name: str
    # The transport addresses (127.0.0.1:port) of every node, this one included.
    seed_hosts: tuple[str, ...]
    # The node names that may elect the first master; empty once the cluster has formed, as the
    # docs require (a restarted or new node must never bootstrap a cluster of its own).
    # https://www.elastic.co/docs/reference/elasticsearch/configuration-reference/discovery-cluster-formation-settings
    initial_masters: tuple[str, ...] = ()


@dataclass(frozen=True)
class NodeConfig:
    """Where and how one local node runs.

    The node's identity is its name (also its folder under root), its HTTP port and its
    transport port; by default the name follows the HTTP port and Elasticsearch picks the
    transport port. The distribution under root is shared by every node of the version.
    Without `cluster` the node is a cluster of its own (single-node discovery); with it, one
    node of several. `repo_dir` is the snapshot repository folder (`path.repo`): the node's own
    by default, one shared folder for every node of a cluster.
    """

    version: str = ES_VERSION
    port: int = DEFAULT_PORT
    heap: str = DEFAULT_HEAP
    root: Path = field(default=DEFAULT_ROOT)
    name: str = ""
    transport_port: int | None = None
    cluster: Membership | None = None
    repo_dir: Path | None = None

    def __post_init__(self) -> None:
        if not _VERSION_RE.fullmatch(self.version):
            raise EngineError(f"ES_VERSION must look like 9.5.4, got {self.version!r}")
        _check_port(self.port, "ES_PORT")
        if not _HEAP_RE.fullmatch(self.heap):
            raise EngineError(f"ES_HEAP must be a JVM size such as 512m or 1g, got {self.heap!r}")
        if self.transport_port is not None:
            _check_port(self.transport_port, "the transport port")
        if not self.name:
            object.__setattr__(self, "name", f"node-{self.port}")
        if not _NAME_RE.fullmatch(self.name):
            raise EngineError(
                f"a node name must be letters, digits, '.', '_' or '-': {self.name!r}"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> NodeConfig:
        """Build a config from ES_VERSION, ES_PORT, ES_HEAP and ENGINE_CACHE; empty means unset."""
        port_text = environ.get("ES_PORT", "").strip()
        if port_text and not _PORT_RE.fullmatch(port_text):
            raise EngineError(f"ES_PORT must be a port number (1-65535), got {port_text!r}")
        cache = environ.get("ENGINE_CACHE", "").strip()
        return cls(
            version=environ.get("ES_VERSION", "").strip() or ES_VERSION,
            port=int(port_text) if port_text else DEFAULT_PORT,
            heap=environ.get("ES_HEAP", "").strip() or DEFAULT_HEAP,
            root=Path(cache).expanduser().resolve() if cache else default_root(),
        )

    @property
    def url(self) -> str:
        """Base URL of the node's HTTP API."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def distribution(self) -> Distribution:
        """The distribution this node runs, shared with every node of the same version and root."""
        return Distribution(self.version, self.root)

    @property
    def zip_path(self) -> Path:
        """The downloaded distribution archive."""
        return self.distribution.zip_path

    @property
    def es_home(self) -> Path:
        """The unpacked distribution, shared by every node of this version."""
        return self.distribution.es_home

    @property
    def node_dir(self) -> Path:
        """Everything the node writes: config copy, data, logs, tmp, pid file."""
        return self.root / self.name

    @property
    def pid_file(self) -> Path:
        """Pid of the launched process, written by start() and read by stop()."""
        return self.node_dir / "node.pid"

    @property
    def snapshot_dir(self) -> Path:
        """The node's `path.repo`: where filesystem snapshot repositories may live."""
        return self.repo_dir if self.repo_dir is not None else self.node_dir / "snapshots"

    @property
    def console_log(self) -> Path:
        """The node's stdout and stderr, including JVM errors that never reach its own logs."""
        return self.node_dir / "console.log"
