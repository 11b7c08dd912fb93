"""Start, stop and status against stand-in nodes: no Elasticsearch, no Java, no network."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from engine import lifecycle, process
from engine.config import NodeConfig
from engine.errors import EngineError
from engine.lifecycle import NodeStatus
from tests.unit.engine.support import free_port

Routes = dict[str, tuple[int, object]]


@pytest.fixture
def fake_node() -> Iterator[Callable[[Routes], int]]:
    """Serves canned JSON per path on a free loopback port; returns the port."""
    servers: list[ThreadingHTTPServer] = []

    def serve(routes: Routes) -> int:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = routes.get(self.path.split("?")[0], (404, {"error": "no route"}))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
        servers.append(server)
        port: int = server.server_address[1]
        return port

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


NODE_INFO = (200, {"nodes": {"abc": {"version": "9.5.4"}}})
PLUGINS = (200, [{"component": "news-analysis"}])


def test_start_reuses_a_node_that_already_answers(
    tmp_path: Path,
    fake_node: Callable[[Routes], int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = fake_node(
        {
            "/_nodes/_local": NODE_INFO,
            "/_cat/plugins": PLUGINS,
            "/_cluster/health": (200, {"status": "yellow"}),
        }
    )

    def launch(cfg: NodeConfig) -> int:
        raise AssertionError("start launched a second node")

    monkeypatch.setattr(lifecycle, "_launch", launch)
    cfg = NodeConfig(port=port, root=tmp_path)
    assert lifecycle.start(cfg, timeout=5) == cfg.url
    assert "reusing Elasticsearch 9.5.4" in capsys.readouterr().err


def test_start_does_not_hand_out_a_node_whose_cluster_stays_red(
    tmp_path: Path, fake_node: Callable[[Routes], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lifecycle, "POLL_INTERVAL", 0.01)
    # With wait_for_status, ES answers 408 (and the real status) when the wait times out.
    red = (408, {"status": "red", "timed_out": True})
    port = fake_node(
        {"/_nodes/_local": NODE_INFO, "/_cat/plugins": PLUGINS, "/_cluster/health": red}
    )
    with pytest.raises(EngineError, match=r"not healthy in time \(cluster status red\)"):
        lifecycle.start(NodeConfig(port=port, root=tmp_path), timeout=0.2)


def test_start_refuses_a_foreign_node_without_the_analysis_plugin(
    tmp_path: Path, fake_node: Callable[[Routes], int]
) -> None:
    health = (200, {"status": "green"})
    port = fake_node(
        {"/_nodes/_local": NODE_INFO, "/_cat/plugins": (200, []), "/_cluster/health": health}
    )
    with pytest.raises(EngineError, match="lacks the news-analysis plugin"):
        lifecycle.start(NodeConfig(port=port, root=tmp_path), timeout=1)


def test_start_refuses_a_port_held_by_something_that_is_not_elasticsearch(
    tmp_path: Path, fake_node: Callable[[Routes], int]
) -> None:
    port = fake_node({})
    with pytest.raises(EngineError, match=f"127.0.0.1:{port} is taken"):
        lifecycle.start(NodeConfig(port=port, root=tmp_path), timeout=1)


def test_status_of_a_node_not_started_here_has_no_pid(
    tmp_path: Path, fake_node: Callable[[Routes], int]
) -> None:
    port = fake_node({"/_nodes/_local": NODE_INFO, "/_cluster/health": (200, {"status": "green"})})
    cfg = NodeConfig(port=port, root=tmp_path)
    assert lifecycle.status(cfg) == NodeStatus(True, cfg.url, None, "9.5.4", "green")


def test_stop_terminates_the_node_process_group_and_removes_the_pid_file(tmp_path: Path) -> None:
    # A process that looks like the node: argv[0] is a `java` under an elasticsearch path.
    java = tmp_path / "elasticsearch" / "bin" / "java"
    java.parent.mkdir(parents=True)
    sleep = shutil.which("sleep")
    assert sleep is not None
    java.symlink_to(sleep)
    proc = subprocess.Popen([str(java), "60"], start_new_session=True)
    try:
        # Until the child has exec'ed, /proc shows it as a copy of this Python process.
        deadline = time.monotonic() + 5
        while not process.is_node_process(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        cfg = NodeConfig(root=tmp_path)
        cfg.node_dir.mkdir(parents=True)
        cfg.pid_file.write_text(f"{proc.pid}\n")
        assert lifecycle.stop(cfg, timeout=10) is True
        assert proc.wait(timeout=5) == -signal.SIGTERM
        assert not cfg.pid_file.exists()
    finally:
        proc.kill()
        proc.wait()


def test_stop_without_a_pid_file_returns_false(tmp_path: Path) -> None:
    assert lifecycle.stop(NodeConfig(root=tmp_path)) is False


def test_stop_ignores_and_removes_a_pid_file_that_does_not_point_at_elasticsearch(
    tmp_path: Path,
) -> None:
    cfg = NodeConfig(root=tmp_path)
    cfg.node_dir.mkdir(parents=True)
    # This very test process: alive, but not java, so it must not be signalled.
    cfg.pid_file.write_text(f"{os.getpid()}\n")
    assert lifecycle.stop(cfg) is False
    assert not cfg.pid_file.exists()


def test_stop_treats_a_garbled_pid_file_as_no_node(tmp_path: Path) -> None:
    cfg = NodeConfig(root=tmp_path)
    cfg.node_dir.mkdir(parents=True)
    cfg.pid_file.write_text("not-a-pid\n")
    assert lifecycle.stop(cfg) is False


def test_status_reports_not_running_when_nothing_listens(tmp_path: Path) -> None:
    cfg = NodeConfig(port=free_port(), root=tmp_path)
    assert lifecycle.status(cfg) == NodeStatus(running=False, url=cfg.url)


def test_status_line_names_version_cluster_health_and_pid() -> None:
    node = NodeStatus(True, "http://127.0.0.1:9200", 42, "9.5.4", "green")
    assert node.describe() == "running at http://127.0.0.1:9200 version=9.5.4 cluster=green pid=42"
