"""The command line and environment that launch one node (pure: nothing is run here)."""

from __future__ import annotations

from pathlib import Path

from engine.config import NodeConfig

# The single node's cluster name; a multi-node cluster carries its own (engine/cluster.py).
CLUSTER_NAME = "news-search-dev"
# A fixed PATH instead of the caller's: bin/elasticsearch needs only coreutils and bash.
NODE_PATH = "/usr/local/bin:/usr/bin:/bin"


def node_settings(cfg: NodeConfig) -> dict[str, str]:
    """The node's Elasticsearch settings, passed as -E flags so no config file is edited."""
    node = cfg.node_dir
    settings = {
        "cluster.name": CLUSTER_NAME if cfg.cluster is None else cfg.cluster.cluster_name,
        "node.name": cfg.name,
        # Loopback only: this node has no authentication, so nothing off the machine may reach it.
        # It also keeps a multi-node cluster in development mode: the production bootstrap
        # checks (vm.max_map_count etc.) apply only to nodes that bind beyond loopback.
        "network.host": "127.0.0.1",
        "http.port": str(cfg.port),
        "path.data": str(node / "data"),
        "path.logs": str(node / "logs"),
        # Where `fs` snapshot repositories may be registered (python -m indexer snapshot).
        # The nodes of a cluster share one folder, as the fs repository requires.
        "path.repo": str(cfg.snapshot_dir),
        # The integ-test zip ships the x-pack-security module. Left implicit, the CLI would
        # auto-configure TLS, passwords and a keystore entry this distribution cannot read, and
        # the node fails to boot. Dev only: the loopback binding above is the access control.
        "xpack.security.enabled": "false",
        # A shared, nearly full dev disk would otherwise flip every index to read-only at 95%.
        # https://www.elastic.co/docs/reference/elasticsearch/configuration-reference/cluster-level-shard-allocation-routing-settings#disk-based-shard-allocation
        "cluster.routing.allocation.disk.threshold_enabled": "false",
    }
    if cfg.cluster is None:
        # Skips cluster bootstrapping and discovery: this node is the whole cluster.
        settings["discovery.type"] = "single-node"
    else:
        settings["discovery.seed_hosts"] = ",".join(cfg.cluster.seed_hosts)
        if cfg.cluster.initial_masters:
            settings["cluster.initial_master_nodes"] = ",".join(cfg.cluster.initial_masters)
    if cfg.transport_port is not None:
        settings["transport.port"] = str(cfg.transport_port)
    return settings


def node_command(
    cfg: NodeConfig, es_home: Path, java_home: Path
) -> tuple[list[str], dict[str, str]]:
    """Return the argv and the complete environment that launch the node (pure)."""
    node = cfg.node_dir
    argv = [str(es_home / "bin" / "elasticsearch")]
    argv += [f"-E{key}={value}" for key, value in node_settings(cfg).items()]
    env = {
        "PATH": NODE_PATH,
        "LANG": "C.UTF-8",
        "ES_JAVA_HOME": str(java_home),
        # Without -Xmx ES sizes the heap to half the machine's memory.
        "ES_JAVA_OPTS": f"-Xms{cfg.heap} -Xmx{cfg.heap}",
        # A per-node config dir keeps the shared distribution read-only; ES writes a keystore there.
        "ES_PATH_CONF": str(node / "config"),
        "ES_TMPDIR": str(node / "tmp"),
    }
    return argv, env
