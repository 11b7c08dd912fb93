"""Unit tests for the local Elasticsearch launcher: no Elasticsearch, no Java, no network."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from engine import launcher
from engine.__main__ import main
from engine.launcher import EngineError, NodeConfig, NodeStatus, find_java_home, node_command

ES_HOME = Path("/opt/es")
JAVA_HOME = Path("/opt/jdk")


def es_settings(argv: list[str]) -> dict[str, str]:
    """The -Ekey=value settings of a node command line, as a dict."""
    pairs = [arg.removeprefix("-E").split("=", 1) for arg in argv[1:]]
    return {key: value for key, value in pairs}


def make_jdk(jvm_root: Path, name: str, version: str | None, *, java: bool = True) -> Path:
    """A fake JDK directory with a `release` file (unless version is None) and bin/java."""
    jdk = jvm_root / name
    (jdk / "bin").mkdir(parents=True)
    if version is not None:
        (jdk / "release").write_text(f'IMPLEMENTOR="Test"\nJAVA_VERSION="{version}"\n')
    if java:
        (jdk / "bin" / "java").write_text("#!/bin/sh\n")
        (jdk / "bin" / "java").chmod(0o755)
    return jdk


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_zip(path: Path, entries: dict[str, tuple[str, int]]) -> None:
    """A zip of name -> (text, unix mode), the way the ES build stores modes."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, (text, mode) in entries.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | mode) << 16
            zf.writestr(info, text)


# NodeConfig.from_env


def test_config_falls_back_to_defaults_when_the_environment_is_empty() -> None:
    cfg = NodeConfig.from_env({})
    assert (cfg.version, cfg.port, cfg.heap) == ("9.5.4", 9200, "512m")
    assert cfg.root.parts[-2:] == (".cache", "engine")
    assert cfg.root.is_absolute()


def test_config_reads_version_port_heap_and_cache_from_the_environment(tmp_path: Path) -> None:
    env = {"ES_VERSION": "9.4.0", "ES_PORT": "9250", "ES_HEAP": "1g", "ENGINE_CACHE": str(tmp_path)}
    cfg = NodeConfig.from_env(env)
    assert cfg == NodeConfig(version="9.4.0", port=9250, heap="1g", root=tmp_path)


def test_blank_environment_values_count_as_unset() -> None:
    env = {"ES_VERSION": "", "ES_PORT": " ", "ES_HEAP": "", "ENGINE_CACHE": ""}
    assert NodeConfig.from_env(env) == NodeConfig.from_env({})


def test_relative_engine_cache_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert NodeConfig.from_env({"ENGINE_CACHE": "cache"}).root == tmp_path / "cache"


@pytest.mark.parametrize("port", ["abc", "92OO", "-1", "9200.0", "0x2400", "123456"])
def test_non_numeric_port_is_rejected_with_a_message_naming_es_port(port: str) -> None:
    with pytest.raises(EngineError, match=r"ES_PORT must be a port number \(1-65535\)"):
        NodeConfig.from_env({"ES_PORT": port})


@pytest.mark.parametrize("port", ["0", "65536", "99999"])
def test_port_outside_the_tcp_range_is_rejected(port: str) -> None:
    with pytest.raises(EngineError, match="ES_PORT"):
        NodeConfig.from_env({"ES_PORT": port})


@pytest.mark.parametrize("heap", ["512", "lots", "0m", "1.5g", "-Xmx1g"])
def test_heap_must_be_a_jvm_size(heap: str) -> None:
    with pytest.raises(EngineError, match="ES_HEAP"):
        NodeConfig.from_env({"ES_HEAP": heap})


@pytest.mark.parametrize("version", ["latest", "9.5", "../../etc", "9.5.4 -Dx"])
def test_version_must_look_like_a_release_number(version: str) -> None:
    with pytest.raises(EngineError, match="ES_VERSION"):
        NodeConfig.from_env({"ES_VERSION": version})


def test_url_is_loopback_on_the_configured_port() -> None:
    assert NodeConfig(port=9333).url == "http://127.0.0.1:9333"


def test_each_port_gets_its_own_node_directory(tmp_path: Path) -> None:
    a, b = NodeConfig(port=9200, root=tmp_path), NodeConfig(port=9201, root=tmp_path)
    assert a.node_dir != b.node_dir
    assert a.es_home == b.es_home == tmp_path / "elasticsearch-9.5.4"
    assert a.pid_file.parent == a.node_dir


# node_command


def test_node_command_runs_the_distribution_start_script() -> None:
    argv, _ = node_command(NodeConfig(), ES_HOME, JAVA_HOME)
    assert argv[0] == str(ES_HOME / "bin" / "elasticsearch")


def test_every_setting_is_a_single_dash_e_argument() -> None:
    argv, _ = node_command(NodeConfig(), ES_HOME, JAVA_HOME)
    assert all(arg.startswith("-E") and "=" in arg for arg in argv[1:])


def test_node_binds_to_loopback_only() -> None:
    settings = es_settings(node_command(NodeConfig(), ES_HOME, JAVA_HOME)[0])
    assert settings["network.host"] == "127.0.0.1"
    # Any of these would widen the binding again.
    for wider in ("http.host", "http.bind_host", "transport.host", "network.bind_host"):
        assert wider not in settings


def test_node_is_a_single_node_cluster_with_our_cluster_name() -> None:
    settings = es_settings(node_command(NodeConfig(), ES_HOME, JAVA_HOME)[0])
    assert settings["discovery.type"] == "single-node"
    assert settings["cluster.name"] == "news-search-dev"


def test_node_listens_on_the_configured_port() -> None:
    settings = es_settings(node_command(NodeConfig(port=9311), ES_HOME, JAVA_HOME)[0])
    assert settings["http.port"] == "9311"


def test_disk_watermarks_cannot_make_indices_read_only() -> None:
    settings = es_settings(node_command(NodeConfig(), ES_HOME, JAVA_HOME)[0])
    assert settings["cluster.routing.allocation.disk.threshold_enabled"] == "false"


def test_security_is_switched_off_explicitly_so_it_is_not_auto_configured() -> None:
    settings = es_settings(node_command(NodeConfig(), ES_HOME, JAVA_HOME)[0])
    assert settings["xpack.security.enabled"] == "false"


def test_data_and_logs_live_under_the_node_directory(tmp_path: Path) -> None:
    cfg = NodeConfig(port=9222, root=tmp_path)
    argv, env = node_command(cfg, ES_HOME, JAVA_HOME)
    settings = es_settings(argv)
    assert settings["path.data"] == str(tmp_path / "node-9222" / "data")
    assert settings["path.logs"] == str(tmp_path / "node-9222" / "logs")
    assert env["ES_PATH_CONF"] == str(tmp_path / "node-9222" / "config")
    assert env["ES_TMPDIR"] == str(tmp_path / "node-9222" / "tmp")


def test_heap_is_pinned_to_the_configured_size() -> None:
    _, env = node_command(NodeConfig(heap="768m"), ES_HOME, JAVA_HOME)
    assert env["ES_JAVA_OPTS"] == "-Xms768m -Xmx768m"


def test_java_home_is_handed_over_as_es_java_home() -> None:
    _, env = node_command(NodeConfig(), ES_HOME, JAVA_HOME)
    assert env["ES_JAVA_HOME"] == str(JAVA_HOME)


def test_callers_java_settings_do_not_leak_into_the_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-Xmx20g")
    monkeypatch.setenv("ES_JAVA_OPTS", "-Xmx20g")
    monkeypatch.setenv("JAVA_HOME", "/usr/lib/jvm/java-17")
    _, env = node_command(NodeConfig(), ES_HOME, JAVA_HOME)
    assert "JAVA_TOOL_OPTIONS" not in env
    assert "JAVA_HOME" not in env
    assert env["ES_JAVA_OPTS"] == "-Xms512m -Xmx512m"


# find_java_home


def test_newest_jdk_of_at_least_21_is_chosen(tmp_path: Path) -> None:
    make_jdk(tmp_path, "java-17-openjdk-amd64", "17.0.15")
    make_jdk(tmp_path, "temurin-21-jdk-amd64", "21.0.8")
    newest = make_jdk(tmp_path, "temurin-25-jdk-amd64", "25.0.3")
    assert find_java_home({}, tmp_path) == newest


def test_patch_versions_are_compared_as_numbers(tmp_path: Path) -> None:
    make_jdk(tmp_path, "jdk-a", "21.0.9")
    newer = make_jdk(tmp_path, "jdk-b", "21.0.10")
    assert find_java_home({}, tmp_path) == newer


def test_only_jdk_17_gives_an_error_asking_for_java_21(tmp_path: Path) -> None:
    make_jdk(tmp_path, "java-17-openjdk-amd64", "17.0.15")
    with pytest.raises(EngineError, match=r"needs Java 21 or newer.*ES_JAVA_HOME"):
        find_java_home({}, tmp_path)


def test_missing_jvm_directory_gives_the_same_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="needs Java 21 or newer"):
        find_java_home({}, tmp_path / "absent")


def test_directories_without_a_release_file_or_java_binary_are_ignored(tmp_path: Path) -> None:
    make_jdk(tmp_path, "no-release", None)
    make_jdk(tmp_path, "no-java", "25.0.1", java=False)
    usable = make_jdk(tmp_path, "temurin-21", "21.0.1")
    assert find_java_home({}, tmp_path) == usable


def test_symlinked_alias_loses_to_the_real_jdk_directory(tmp_path: Path) -> None:
    real = make_jdk(tmp_path, "temurin-25-jdk-amd64", "25.0.3")
    (tmp_path / "default-java").symlink_to(real)
    assert find_java_home({}, tmp_path) == real


def test_es_java_home_from_the_environment_wins_over_detection(tmp_path: Path) -> None:
    make_jdk(tmp_path, "temurin-25", "25.0.3")
    chosen = make_jdk(tmp_path / "elsewhere", "my-jdk", "21.0.1")
    assert find_java_home({"ES_JAVA_HOME": str(chosen)}, tmp_path) == chosen


def test_es_java_home_without_bin_java_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="ES_JAVA_HOME"):
        find_java_home({"ES_JAVA_HOME": str(tmp_path)}, tmp_path)


@pytest.mark.parametrize(
    ("text", "major"),
    [("25.0.3", 25), ("21", 21), ("1.8.0_292", 8), ("17.0.15+6", 17), ("unknown", None)],
)
def test_java_major_reads_old_and_new_version_schemes(text: str, major: int | None) -> None:
    assert launcher.java_major(text) == major


# fetch


def test_fetch_unpacks_once_and_keeps_executable_bits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = NodeConfig(root=tmp_path)
    write_zip(
        cfg.zip_path,
        {
            "elasticsearch-9.5.4/bin/elasticsearch": ("#!/bin/bash\n", 0o755),
            "elasticsearch-9.5.4/config/jvm.options": ("-Xss1m\n", 0o660),
        },
    )
    home = launcher.fetch(cfg)
    assert home == cfg.es_home
    assert os.access(home / "bin" / "elasticsearch", os.X_OK)
    assert stat.S_IMODE((home / "config" / "jvm.options").stat().st_mode) == 0o660
    assert sorted(p.name for p in tmp_path.iterdir()) == [cfg.es_home.name, cfg.zip_path.name]

    def unzip_again(archive: Path, dest: Path) -> None:
        raise AssertionError("fetch unpacked an existing distribution again")

    monkeypatch.setattr(launcher, "_unzip", unzip_again)
    assert launcher.fetch(cfg) == home


def test_fetch_rejects_a_zip_without_the_distribution_and_leaves_nothing(tmp_path: Path) -> None:
    cfg = NodeConfig(root=tmp_path)
    write_zip(cfg.zip_path, {"something-else/README": ("hi\n", 0o644)})
    with pytest.raises(EngineError, match="does not contain"):
        launcher.fetch(cfg)
    assert [p.name for p in tmp_path.iterdir()] == [cfg.zip_path.name]


def test_fetch_reports_a_corrupt_zip(tmp_path: Path) -> None:
    cfg = NodeConfig(root=tmp_path)
    cfg.zip_path.write_bytes(b"not a zip")
    with pytest.raises(EngineError, match="corrupt"):
        launcher.fetch(cfg)
    assert not cfg.es_home.exists()


def test_fetch_without_maven_says_how_to_get_the_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(EngineError, match=r"Maven \(mvn\) is needed.*elasticsearch-9\.5\.4\.zip"):
        launcher.fetch(NodeConfig(root=tmp_path))


def test_fetch_downloads_the_zip_with_maven_when_it_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = NodeConfig(root=tmp_path / "cache")
    source = tmp_path / "from-maven.zip"
    write_zip(source, {"elasticsearch-9.5.4/bin/elasticsearch": ("#!/bin/bash\n", 0o755)})
    # A stand-in for mvn that copies the zip to -DoutputDirectory, as dependency:copy does.
    fake_mvn = tmp_path / "mvn"
    fake_mvn.write_text(
        "#!/bin/sh\n"
        'for arg; do case "$arg" in -DoutputDirectory=*) out="${arg#*=}";; esac; done\n'
        f'cp {source} "$out/elasticsearch-9.5.4.zip"\n'
    )
    fake_mvn.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake_mvn) if name == "mvn" else None)
    assert launcher.fetch(cfg) == cfg.es_home
    assert cfg.zip_path.is_file()
    assert sorted(p.name for p in cfg.root.iterdir()) == [cfg.es_home.name, cfg.zip_path.name]


def test_a_failing_maven_download_reports_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_mvn = tmp_path / "mvn"
    fake_mvn.write_text("#!/bin/sh\necho 'Could not find artifact' >&2\nexit 1\n")
    fake_mvn.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake_mvn))
    cfg = NodeConfig(root=tmp_path / "cache")
    with pytest.raises(EngineError, match=r"(?s)could not download.*Could not find artifact"):
        launcher.fetch(cfg)
    assert [p.name for p in cfg.root.iterdir()] == []


# start, stop and status against stand-ins

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

    monkeypatch.setattr(launcher, "_launch", launch)
    cfg = NodeConfig(port=port, root=tmp_path)
    assert launcher.start(cfg, timeout=5) == cfg.url
    assert "reusing Elasticsearch 9.5.4" in capsys.readouterr().err


def test_start_does_not_hand_out_a_node_whose_cluster_stays_red(
    tmp_path: Path, fake_node: Callable[[Routes], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launcher, "POLL_INTERVAL", 0.01)
    # With wait_for_status, ES answers 408 (and the real status) when the wait times out.
    red = (408, {"status": "red", "timed_out": True})
    port = fake_node(
        {"/_nodes/_local": NODE_INFO, "/_cat/plugins": PLUGINS, "/_cluster/health": red}
    )
    with pytest.raises(EngineError, match=r"not healthy in time \(cluster status red\)"):
        launcher.start(NodeConfig(port=port, root=tmp_path), timeout=0.2)


def test_start_refuses_a_foreign_node_without_the_analysis_plugin(
    tmp_path: Path, fake_node: Callable[[Routes], int]
) -> None:
    health = (200, {"status": "green"})
    port = fake_node(
        {"/_nodes/_local": NODE_INFO, "/_cat/plugins": (200, []), "/_cluster/health": health}
    )
    with pytest.raises(EngineError, match="lacks the news-analysis plugin"):
        launcher.start(NodeConfig(port=port, root=tmp_path), timeout=1)


def test_start_refuses_a_port_held_by_something_that_is_not_elasticsearch(
    tmp_path: Path, fake_node: Callable[[Routes], int]
) -> None:
    port = fake_node({})
    with pytest.raises(EngineError, match=f"127.0.0.1:{port} is taken"):
        launcher.start(NodeConfig(port=port, root=tmp_path), timeout=1)


def test_status_of_a_node_not_started_here_has_no_pid(
    tmp_path: Path, fake_node: Callable[[Routes], int]
) -> None:
    port = fake_node({"/_nodes/_local": NODE_INFO, "/_cluster/health": (200, {"status": "green"})})
    cfg = NodeConfig(port=port, root=tmp_path)
    assert launcher.status(cfg) == NodeStatus(True, cfg.url, None, "9.5.4", "green")


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
        while not launcher._is_node_process(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        cfg = NodeConfig(root=tmp_path)
        cfg.node_dir.mkdir(parents=True)
        cfg.pid_file.write_text(f"{proc.pid}\n")
        assert launcher.stop(cfg, timeout=10) is True
        assert proc.wait(timeout=5) == -signal.SIGTERM
        assert not cfg.pid_file.exists()
    finally:
        proc.kill()
        proc.wait()


def test_stop_without_a_pid_file_returns_false(tmp_path: Path) -> None:
    assert launcher.stop(NodeConfig(root=tmp_path)) is False


def test_stop_ignores_and_removes_a_pid_file_that_does_not_point_at_elasticsearch(
    tmp_path: Path,
) -> None:
    cfg = NodeConfig(root=tmp_path)
    cfg.node_dir.mkdir(parents=True)
    # This very test process: alive, but not java, so it must not be signalled.
    cfg.pid_file.write_text(f"{os.getpid()}\n")
    assert launcher.stop(cfg) is False
    assert not cfg.pid_file.exists()


def test_stop_treats_a_garbled_pid_file_as_no_node(tmp_path: Path) -> None:
    cfg = NodeConfig(root=tmp_path)
    cfg.node_dir.mkdir(parents=True)
    cfg.pid_file.write_text("not-a-pid\n")
    assert launcher.stop(cfg) is False


def test_status_reports_not_running_when_nothing_listens(tmp_path: Path) -> None:
    cfg = NodeConfig(port=free_port(), root=tmp_path)
    assert launcher.status(cfg) == NodeStatus(running=False, url=cfg.url)


def test_status_line_names_version_cluster_health_and_pid() -> None:
    node = NodeStatus(True, "http://127.0.0.1:9200", 42, "9.5.4", "green")
    assert node.describe() == "running at http://127.0.0.1:9200 version=9.5.4 cluster=green pid=42"


# command line


def test_status_command_exits_1_when_no_node_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ES_PORT", str(free_port()))
    monkeypatch.setenv("ENGINE_CACHE", str(tmp_path))
    assert main(["status"]) == 1
    assert capsys.readouterr().out.startswith("not running at http://127.0.0.1:")


def test_bad_port_makes_a_command_fail_with_the_reason_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ES_PORT", "nine-two-hundred")
    assert main(["stop"]) == 1
    assert "ES_PORT must be a port number" in capsys.readouterr().err


def test_stop_command_with_nothing_started_succeeds_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENGINE_CACHE", str(tmp_path))
    assert main(["stop"]) == 0
    assert capsys.readouterr().out == "nothing to stop\n"


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A folder every user may enter (pytest's own tmp_path lives under a private 700 folder)."""
    with tempfile.TemporaryDirectory(dir="/var/tmp") as name:
        Path(name).chmod(0o755)  # mkdtemp makes it private
        yield Path(name)


def test_the_cache_stays_in_the_repository_when_the_node_user_can_reach_it(
    open_tmp: Path,
) -> None:
    root = open_tmp / "repo" / ".cache" / "engine"
    root.mkdir(parents=True)
    assert launcher.default_root(root, euid=0) == root


def test_root_moves_the_cache_out_of_a_private_checkout(open_tmp: Path) -> None:
    private = open_tmp / "home"
    root = private / "repo" / ".cache" / "engine"
    root.mkdir(parents=True)
    private.chmod(0o700)
    moved = launcher.default_root(root, euid=0)
    assert moved.parent == Path("/var/tmp")
    assert moved.name.startswith("news-search-engine-")
    # The same checkout always gets the same folder, so the download stays cached between runs.
    assert launcher.default_root(root, euid=0) == moved


def test_a_user_who_is_not_root_keeps_the_cache_in_the_repository(open_tmp: Path) -> None:
    private = open_tmp / "home"
    root = private / "repo" / ".cache" / "engine"
    root.mkdir(parents=True)
    private.chmod(0o700)
    assert launcher.default_root(root, euid=1000) == root
