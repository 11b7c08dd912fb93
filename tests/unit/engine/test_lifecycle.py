"""Start, stop and status against stand-in nodes: no Elasticsearch, no Java, no network."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from engine import distribution, folders, lifecycle, process
from engine.config import Membership, NodeConfig
from engine.errors import EngineError
from engine.lifecycle import NodeStatus
from engine.service_user import run_as
from tests.support import free_port
from tests.unit.engine.support import write_zip

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


@contextlib.contextmanager
def node_lookalike(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process that looks like the node: argv[0] is a `java` under an elasticsearch path."""
    java = tmp_path / "elasticsearch" / "bin" / "java"
    java.parent.mkdir(parents=True, exist_ok=True)
    sleep = shutil.which("sleep")
    assert sleep is not None
    with contextlib.suppress(FileExistsError):
        java.symlink_to(sleep)
    proc = subprocess.Popen([str(java), "60"], start_new_session=True)
    try:
        # Until the child has exec'ed, /proc shows it as a copy of this Python process.
        deadline = time.monotonic() + 5
        while not process.is_node_process(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        yield proc
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize(
    ("loaded", "relaunched"),
    [("b" * 16, False), ("a" * 16, True), (None, True)],
    ids=["same build: reused", "other build: restarted", "build without an id: restarted"],
)
def test_a_node_started_here_is_restarted_when_this_checkout_builds_another_plugin(
    tmp_path: Path,
    fake_node: Callable[[Routes], int],
    monkeypatch: pytest.MonkeyPatch,
    loaded: str | None,
    relaunched: bool,
) -> None:
    description = "filters" + (f" [build {loaded}]" if loaded else "")
    port = fake_node(
        {
            "/_nodes/_local": NODE_INFO,
            "/_cat/plugins": (200, [{"component": "news-analysis", "description": description}]),
            "/_cluster/health": (200, {"status": "green"}),
        }
    )
    cfg = NodeConfig(port=port, root=tmp_path)
    events: list[str] = []

    def stop(cfg: NodeConfig) -> bool:
        events.append("stop")
        cfg.pid_file.unlink()
        return True

    def launch(cfg: NodeConfig) -> int:
        events.append("launch")
        return 0

    monkeypatch.setattr(lifecycle, "expected_plugin_build", lambda cfg: "b" * 16)
    monkeypatch.setattr(lifecycle, "stop", stop)
    monkeypatch.setattr(lifecycle, "_launch", launch)
    # Once stopped, the port is free (the stand-in keeps serving, the real node would not).
    monkeypatch.setattr(lifecycle.probe, "port_open", lambda port: False)
    # The node answering the port was started by this launcher: its pid file names a live node.
    with node_lookalike(tmp_path) as proc:
        cfg.node_dir.mkdir(parents=True)
        cfg.pid_file.write_text(f"{proc.pid}\n")
        pid = lifecycle.start_nowait(cfg)
    assert events == (["stop", "launch"] if relaunched else [])
    assert pid == (0 if relaunched else None)


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


# The node's folder and what root writes there, with a stand-in distribution (real files)


@pytest.fixture
def stand_in(open_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[NodeConfig]:
    """A pinned stand-in distribution whose bin/elasticsearch prints a line and sleeps.

    With a stand-in JDK and no plugin build; any process it launched is killed afterwards.
    """
    cfg = NodeConfig(port=free_port(), root=open_tmp / "cache")
    folders.ensure_own_dir(cfg.root)
    script = "#!/bin/sh\necho node says hello\nexec sleep 30\n"
    write_zip(
        cfg.zip_path,
        {
            "elasticsearch-9.5.4/bin/elasticsearch": (script, 0o755),
            "elasticsearch-9.5.4/config/elasticsearch.yml": ("\n", 0o660),
        },
    )
    monkeypatch.setitem(distribution.PINNED_SHA256, "9.5.4", distribution.file_sha256(cfg.zip_path))
    java = open_tmp / "jdk" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("#!/bin/sh\n")
    java.chmod(0o755)
    monkeypatch.setenv("ES_JAVA_HOME", str(java.parent.parent))
    monkeypatch.setattr(lifecycle, "ensure_plugin", lambda *args, **kwargs: None)
    # Nodes this test process launched before (the integration tests' node) are not ours to kill.
    before = set(process._CHILDREN)
    yield cfg
    for pid, proc in [(pid, p) for pid, p in process._CHILDREN.items() if pid not in before]:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        proc.wait()
        process.forget(pid)


def wait_for_text(path: Path, text: str) -> None:
    """Wait until the file holds text (the stand-in node has started)."""
    deadline = time.monotonic() + 10
    while text not in (path.read_text() if path.exists() else ""):
        assert time.monotonic() < deadline, f"{text!r} never appeared in {path}"
        time.sleep(0.05)


def test_launch_replaces_symlinked_console_log_and_pid_file_without_writing_through_them(
    stand_in: NodeConfig, open_tmp: Path
) -> None:
    cfg = stand_in
    lifecycle._own_node_dir(cfg)
    victims = {name: open_tmp / f"victim-{name}" for name in ("console.log", "node.pid")}
    for name, victim in victims.items():
        victim.write_text("precious\n")
        (cfg.node_dir / name).symlink_to(victim)
    pid = lifecycle._launch(cfg)
    wait_for_text(cfg.console_log, "node says hello")
    for victim in victims.values():
        assert victim.read_text() == "precious\n"
    assert not cfg.console_log.is_symlink()
    assert not cfg.pid_file.is_symlink()
    assert process.read_pid(cfg.pid_file) == pid
    # The node writes its subfolders; the folder holding what root writes stays root's.
    assert cfg.node_dir.stat().st_uid == os.geteuid()
    node_user = run_as()[0]
    assert (cfg.node_dir / "data").stat().st_uid == (node_user if node_user else os.geteuid())


def test_a_node_subfolder_that_is_a_symlink_is_refused(
    stand_in: NodeConfig, open_tmp: Path
) -> None:
    cfg = stand_in
    lifecycle._own_node_dir(cfg)
    elsewhere = open_tmp / "elsewhere"
    elsewhere.mkdir()
    (cfg.node_dir / "data").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(EngineError, match=r"data is a symbolic link; refusing"):
        lifecycle._launch(cfg)
    assert elsewhere.stat().st_uid == os.geteuid()


@pytest.mark.skipif(os.geteuid() != 0, reason="the service user exists only for root")
def test_a_node_folder_an_older_launcher_gave_to_the_service_user_is_taken_back(
    stand_in: NodeConfig, open_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = stand_in
    user, group = run_as()
    assert user is not None and group is not None
    cfg.node_dir.mkdir()
    victim = open_tmp / "victim"
    victim.write_text("precious\n")
    # What the node's user could have left while it owned the folder.
    (cfg.node_dir / "start.lock").symlink_to(victim)
    (cfg.node_dir / "console.log").symlink_to(victim)
    for entry in (cfg.node_dir, cfg.node_dir / "start.lock", cfg.node_dir / "console.log"):
        os.chown(entry, user, group, follow_symlinks=False)
    monkeypatch.setattr(lifecycle, "POLL_INTERVAL", 0.05)
    # The stand-in never answers HTTP, so start gives up; the folder must be root's by then.
    with pytest.raises(EngineError, match="not healthy in time"):
        lifecycle.start(cfg, timeout=0.5)
    st = cfg.node_dir.stat()
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (0, 0o755)
    assert victim.read_text() == "precious\n"
    assert victim.stat().st_uid == 0


def test_a_cluster_node_reuses_only_that_very_node_of_that_cluster(
    tmp_path: Path, fake_node: Callable[[Routes], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def launch(cfg: NodeConfig) -> int:
        raise AssertionError("start launched a second node")

    monkeypatch.setattr(lifecycle, "_launch", launch)
    info = {"cluster_name": "news-search-c", "nodes": {"abc": {"name": "c-1", "version": "9.5.4"}}}
    routes: Routes = {
        "/_nodes/_local": (200, info),
        "/_cat/plugins": PLUGINS,
        "/_cluster/health": (200, {"status": "green", "number_of_nodes": 3}),
    }
    port = fake_node(routes)
    membership = Membership(cluster_name="news-search-c", seed_hosts=("127.0.0.1:9510",))
    same = NodeConfig(port=port, root=tmp_path, name="c-1", cluster=membership)
    assert lifecycle.start_nowait(same) is None
    # Another node, or the same name in another cluster, holds the port: never reused, never
    # killed, and the message says whose it is.
    for other in (
        NodeConfig(port=port, root=tmp_path, name="c-2", cluster=membership),
        NodeConfig(
            port=port,
            root=tmp_path,
            name="c-1",
            cluster=Membership(cluster_name="news-search-d", seed_hosts=("127.0.0.1:9510",)),
        ),
    ):
        with pytest.raises(EngineError, match="is taken by node 'c-1' of cluster 'news-search-c'"):
            lifecycle.start_nowait(other)


def test_waiting_for_a_cluster_waits_until_it_has_every_node(
    tmp_path: Path, fake_node: Callable[[Routes], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lifecycle, "POLL_INTERVAL", 0.01)
    port = fake_node({"/_cluster/health": (200, {"status": "green", "number_of_nodes": 2})})
    cfg = NodeConfig(port=port, root=tmp_path)
    lifecycle.wait_healthy(cfg, None, time.monotonic() + 1, nodes=2)
    with pytest.raises(EngineError, match=r"not healthy in time \(no cluster of 3 nodes formed\)"):
        lifecycle.wait_healthy(cfg, None, time.monotonic() + 0.2, nodes=3)
