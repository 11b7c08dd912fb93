"""Command line: python -m engine fetch|start|stop|status [--nodes N]."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from engine.cluster import MAX_NODES, ClusterConfig, cluster_status, start_cluster, stop_cluster
from engine.config import NodeConfig
from engine.distribution import fetch
from engine.errors import EngineError
from engine.lifecycle import start, status, stop

_NODES_RULE = f"a number of nodes from 1 to {MAX_NODES}"


def _nodes(text: str) -> int:
    """A node count between 1 and MAX_NODES."""
    if not text.isdigit() or not 1 <= int(text) <= MAX_NODES:
        raise argparse.ArgumentTypeError(_NODES_RULE)
    return int(text)


def _default_nodes() -> int:
    """ES_NODES, else one node."""
    text = os.environ.get("ES_NODES", "").strip() or "1"
    try:
        return _nodes(text)
    except argparse.ArgumentTypeError:
        raise EngineError(f"ES_NODES must be {_NODES_RULE}, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser for the four commands."""
    parser = argparse.ArgumentParser(
        prog="python -m engine",
        description="Manage the local Elasticsearch: one node, or a cluster with --nodes N. "
        "Configured by ES_VERSION, ES_PORT (the first node's HTTP port), ES_TRANSPORT_PORT "
        "(a cluster's first transport port, default ES_PORT+100), ES_HEAP (per node), "
        "ES_NODES (the default of --nodes), ENGINE_CACHE and ES_JAVA_HOME.",
    )
    nodes = argparse.ArgumentParser(add_help=False)
    nodes.add_argument(
        "--nodes",
        type=_nodes,
        default=None,
        help="how many nodes, on consecutive ports (default ES_NODES, else 1)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch", help="download and unpack the distribution; print its path")
    start_cmd = commands.add_parser(
        "start", parents=[nodes], help="start or reuse the node(s); print the URL(s)"
    )
    start_cmd.add_argument("--timeout", type=float, default=240.0, help="seconds to wait")
    stop_cmd = commands.add_parser(
        "stop", parents=[nodes], help="stop the node(s) this launcher started"
    )
    stop_cmd.add_argument("--timeout", type=float, default=60.0, help="seconds before SIGKILL")
    commands.add_parser(
        "status", parents=[nodes], help="one line per node; exit 0 if every node answers, else 1"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        cfg = NodeConfig.from_env()
        if args.command == "fetch":
            print(fetch(cfg.distribution))
            return 0
        size = args.nodes or _default_nodes()
        if size == 1:
            return _one_node(args, cfg)
        return _cluster(args, ClusterConfig.from_env(size))
    except EngineError as exc:
        print(f"engine: error: {exc}", file=sys.stderr)
        return 1


def _one_node(args: argparse.Namespace, cfg: NodeConfig) -> int:
    """start, stop or status of the single node."""
    if args.command == "start":
        # The URL alone on stdout, so `ES_URL=$(python -m engine start)` works.
        print(start(cfg, timeout=args.timeout))
    elif args.command == "stop":
        print("stopped" if stop(cfg, timeout=args.timeout) else "nothing to stop")
    else:
        node = status(cfg)
        print(node.describe())
        return 0 if node.running else 1
    return 0


def _cluster(args: argparse.Namespace, cluster: ClusterConfig) -> int:
    """start, stop or status of every node of a local cluster."""
    if args.command == "start":
        # Comma-separated, the form ES_URL takes: `ES_URL=$(python -m engine start --nodes 3)`.
        print(",".join(start_cluster(cluster, timeout=args.timeout)))
    elif args.command == "stop":
        stopped = stop_cluster(cluster, timeout=args.timeout)
        print(f"stopped {stopped} of {cluster.size} nodes" if stopped else "nothing to stop")
    else:
        nodes = cluster_status(cluster)
        for node in nodes:
            print(node.describe())
        return 0 if all(node.running for node in nodes) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
