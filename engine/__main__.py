"""Command line: python -m engine fetch|start|stop|status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from engine.config import NodeConfig
from engine.distribution import fetch
from engine.errors import EngineError
from engine.lifecycle import start, status, stop


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser for the four commands."""
    parser = argparse.ArgumentParser(
        prog="python -m engine",
        description="Manage the local single-node Elasticsearch. "
        "Configured by ES_VERSION, ES_PORT, ES_HEAP, ENGINE_CACHE and ES_JAVA_HOME.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch", help="download and unpack the distribution; print its path")
    start_cmd = commands.add_parser("start", help="start or reuse the node; print its URL")
    start_cmd.add_argument("--timeout", type=float, default=180.0, help="seconds to wait")
    stop_cmd = commands.add_parser("stop", help="stop the node this launcher started")
    stop_cmd.add_argument("--timeout", type=float, default=60.0, help="seconds before SIGKILL")
    commands.add_parser("status", help="print one line; exit 0 if a node answers, else 1")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        cfg = NodeConfig.from_env()
        if args.command == "fetch":
            print(fetch(cfg.distribution))
        elif args.command == "start":
            # The URL alone on stdout, so `ES_URL=$(python -m engine start)` works.
            print(start(cfg, timeout=args.timeout))
        elif args.command == "stop":
            print("stopped" if stop(cfg, timeout=args.timeout) else "nothing to stop")
        else:
            node = status(cfg)
            print(node.describe())
            return 0 if node.running else 1
    except EngineError as exc:
        print(f"engine: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
