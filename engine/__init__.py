"""The local Elasticsearch used by `make run`, the tests and the benchmarks.

This package owns everything about running Elasticsearch on this machine, and nothing else
knows how the engine is started. Standard library only, so it runs before the project's
dependencies are installed.

- `distribution`: the Elasticsearch version, fetched with Maven and unpacked once into the cache
- `plugin`: our analysis plugin (sources in `engine/plugin/`), built with Maven and installed
- `java`: the Java runtime the distribution runs on
- `service_user`: the unprivileged `esnode` user that root runs the node as
- `folders`: the engine's folders and the files root writes there, safe from other local users
- `config`: one node's identity (name, ports, folder), heap, cluster membership and cache
- `cluster`: several nodes on loopback as one cluster: their configs, start, stop, status
- `command`: the node's command line and environment (pure)
- `lifecycle`: start, stop and status of a node; `process` its pid and signals; `probe` its HTTP
"""

from engine.cluster import ClusterConfig, cluster_status, start_cluster, stop_cluster
from engine.command import node_command
from engine.config import Membership, NodeConfig
from engine.distribution import ES_VERSION, Distribution, fetch
from engine.errors import EngineError
from engine.java import find_java_home
from engine.lifecycle import NodeStatus, start, status, stop

__all__ = [
    "ES_VERSION",
    "ClusterConfig",
    "Distribution",
    "EngineError",
    "Membership",
    "NodeConfig",
    "NodeStatus",
    "cluster_status",
    "fetch",
    "find_java_home",
    "node_command",
    "start",
    "start_cluster",
    "status",
    "stop",
    "stop_cluster",
]
