"""The local Elasticsearch node used by `make run`, the tests and the benchmarks."""

from engine.errors import EngineError
from engine.launcher import (
    ES_VERSION,
    NodeConfig,
    NodeStatus,
    fetch,
    find_java_home,
    node_command,
    start,
    status,
    stop,
)

__all__ = [
    "ES_VERSION",
    "EngineError",
    "NodeConfig",
    "NodeStatus",
    "fetch",
    "find_java_home",
    "node_command",
    "start",
    "status",
    "stop",
]
