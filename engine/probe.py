"""What answers on a node's HTTP port: version, our plugin, cluster health (loopback HTTP only)."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

from engine.plugin import PLUGIN_NAME, build_of

HTTP_TIMEOUT = 2.0

# Local HTTP must never go through an http_proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get_json(url: str, timeout: float = HTTP_TIMEOUT) -> object:
    """GET a URL and parse its JSON body, error statuses included; None if there is none."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        # e.g. health answers 408 with the (red) cluster status when wait_for_status times out.
        try:
            return json.loads(exc.read())
        except (OSError, ValueError):
            return None
        finally:
            exc.close()
    except (OSError, ValueError):  # connection refused, timeouts, non-JSON bodies
        return None


def probe_version(url: str) -> str | None:
    """The version of the Elasticsearch node answering at url, or None if none answers."""
    # Not `GET /`: its handler lives in the rest-root module, which the integ-test zip lacks
    # (it answers 405 there). The nodes info API is in the server itself.
    info = get_json(f"{url}/_nodes/_local?filter_path=nodes.*.version")
    nodes = info.get("nodes") if isinstance(info, dict) else None
    if not isinstance(nodes, dict):
        return None
    for node in nodes.values():
        version = node.get("version") if isinstance(node, dict) else None
        if isinstance(version, str):
            return version
    return None


def node_identity(url: str) -> tuple[str, str] | None:
    """The cluster name and node name of the node answering at url, or None if none answers."""
    info = get_json(f"{url}/_nodes/_local?filter_path=cluster_name,nodes.*.name")
    if not isinstance(info, dict):
        return None
    nodes = info.get("nodes")
    names = [n.get("name") for n in nodes.values()] if isinstance(nodes, dict) else []
    cluster = info.get("cluster_name")
    if isinstance(cluster, str) and len(names) == 1 and isinstance(names[0], str):
        return cluster, names[0]
    return None


def has_plugin(url: str) -> bool:
    """Whether every node of the cluster at url has loaded our analysis plugin."""
    try:
        rows = get_json(f"{url}/_cat/plugins?format=json&h=component")
    except (OSError, ValueError):
        return False
    return isinstance(rows, list) and any(
        isinstance(row, dict) and row.get("component") == PLUGIN_NAME for row in rows
    )


def plugin_builds(url: str) -> set[str | None]:
    """The builds of our plugin the nodes at url loaded (None for a build without an id)."""
    rows = get_json(f"{url}/_cat/plugins?format=json&h=component,description")
    if not isinstance(rows, list):
        return set()
    return {
        build_of(str(row.get("description") or ""))
        for row in rows
        if isinstance(row, dict) and row.get("component") == PLUGIN_NAME
    }


def cluster_status(
    url: str, *, wait_for_yellow: bool = False, nodes: int | None = None
) -> str | None:
    """The cluster health colour at url, or None when there is no health answer.

    With `nodes`, a cluster of fewer nodes answers None too: it has not formed in full yet.
    """
    query = "?wait_for_status=yellow&timeout=1s" if wait_for_yellow else ""
    health = get_json(f"{url}/_cluster/health{query}")
    if not isinstance(health, dict):
        return None
    if nodes is not None and health.get("number_of_nodes") != nodes:
        return None
    # Error bodies carry a numeric "status" (the HTTP code); only a string is cluster health.
    status = health.get("status")
    return status if isinstance(status, str) else None


def port_open(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0
