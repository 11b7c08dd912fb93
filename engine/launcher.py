"""Fetch, start, stop and inspect a local single-node Elasticsearch for development and tests.

Standard library only, so it runs before the project's dependencies are installed.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import EngineError as EngineError  # re-exported: callers catch it here
from engine.plugin import PLUGIN_NAME, ensure_plugin

ES_VERSION = "9.5.4"
CLUSTER_NAME = "news-search-dev"
DEFAULT_PORT = 9200
DEFAULT_HEAP = "512m"
MIN_JAVA = 21
JVM_ROOT = Path("/usr/lib/jvm")
SERVICE_USER = "esnode"
DEFAULT_ROOT = Path(__file__).resolve().parent.parent / ".cache" / "engine"

# The integ-test zip is the only distribution Maven Central has (the full one is only on
# Elastic's own download site). It has no bundled JDK and only four modules: transport-netty4,
# x-pack-core, x-pack-security and apm. So no analysis-common (asciifolding, stemmers, language
# analyzers), no reindex (_reindex, _update_by_query), no painless, and no rest-root (GET / and
# HEAD /, so the Python client's info() fails and ping() is False).
MAVEN_ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"

# A fixed PATH instead of the caller's: bin/elasticsearch needs only coreutils and bash.
NODE_PATH = "/usr/local/bin:/usr/bin:/bin"
HTTP_TIMEOUT = 2.0
POLL_INTERVAL = 0.5
LOG_TAIL_LINES = 40

_PORT_RE = re.compile(r"\d{1,5}")
_HEAP_RE = re.compile(r"[1-9]\d*[kmgKMG]")
_VERSION_RE = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?")
_JAVA_VERSION_RE = re.compile(r'^JAVA_VERSION="?([^"\n]+)"?\s*$', re.MULTILINE)

# Handles of nodes this process launched, so stop() and the startup wait can reap them.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}

# Local HTTP must never go through an http_proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@atexit.register
def _disown_children() -> None:
    """Let launched nodes outlive this process without Popen reporting them as leaked."""
    for proc in _CHILDREN.values():
        if proc.poll() is None:
            # Popen.__del__ raises a ResourceWarning for a child whose returncode is None; here
            # the node is meant to keep running, and init reaps it when it finally exits.
            proc.returncode = 0
    _CHILDREN.clear()


def default_root(repo_root: Path = DEFAULT_ROOT, *, euid: int | None = None) -> Path:
    """The repository's `.cache/engine`, unless root must hand it to a user who cannot enter it.

    Run by root, the node runs as SERVICE_USER, who needs to pass through every parent folder.
    A checkout under a private folder (such as /root, mode 700) would stop it, so the node then
    lives under /var/tmp instead, in a folder named after the checkout.
    """
    if (os.geteuid() if euid is None else euid) != 0 or _others_can_enter(repo_root):
        return repo_root
    digest = hashlib.sha1(str(repo_root).encode()).hexdigest()[:10]
    return Path("/var/tmp") / f"news-search-engine-{digest}"


def _others_can_enter(path: Path) -> bool:
    """Whether every existing folder on the way to path lets other users pass (o+x)."""
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents] if p.exists())


@dataclass(frozen=True)
class NodeConfig:
    """Where and how the local node runs; one node per port."""

    version: str = ES_VERSION
    port: int = DEFAULT_PORT
    heap: str = DEFAULT_HEAP
    root: Path = field(default=DEFAULT_ROOT)

    def __post_init__(self) -> None:
        if not _VERSION_RE.fullmatch(self.version):
            raise EngineError(f"ES_VERSION must look like 9.5.4, got {self.version!r}")
        if not 1 <= self.port <= 65535:
            raise EngineError(f"ES_PORT must be a port number (1-65535), got {self.port}")
        if not _HEAP_RE.fullmatch(self.heap):
            raise EngineError(f"ES_HEAP must be a JVM size such as 512m or 1g, got {self.heap!r}")

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
    def zip_path(self) -> Path:
        """The downloaded distribution archive."""
        return self.root / f"elasticsearch-{self.version}.zip"

    @property
    def es_home(self) -> Path:
        """The unpacked distribution, shared by every node of this version."""
        return self.root / f"elasticsearch-{self.version}"

    @property
    def node_dir(self) -> Path:
        """Everything the node writes: config copy, data, logs, tmp, pid file."""
        return self.root / f"node-{self.port}"

    @property
    def pid_file(self) -> Path:
        """Pid of the launched process, written by start() and read by stop()."""
        return self.node_dir / "node.pid"

    @property
    def console_log(self) -> Path:
        """The node's stdout and stderr, including JVM errors that never reach its own logs."""
        return self.node_dir / "console.log"


@dataclass(frozen=True)
class NodeStatus:
    """What status() found on the configured port."""

    running: bool
    url: str
    pid: int | None = None
    version: str | None = None
    cluster_status: str | None = None

    def describe(self) -> str:
        """One human-readable line."""
        if not self.running:
            pid = f" (pid {self.pid} alive but not answering)" if self.pid else ""
            return f"not running at {self.url}{pid}"
        pid = f" pid={self.pid}" if self.pid else " (not started by this launcher)"
        return f"running at {self.url} version={self.version} cluster={self.cluster_status}{pid}"


def node_command(
    cfg: NodeConfig, es_home: Path, java_home: Path
) -> tuple[list[str], dict[str, str]]:
    """Return the argv and the complete environment that launch the node (pure)."""
    node = cfg.node_dir
    settings = {
        "cluster.name": CLUSTER_NAME,
        "node.name": f"node-{cfg.port}",
        # Loopback only: this node has no authentication, so nothing off the machine may reach it.
        "network.host": "127.0.0.1",
        "http.port": str(cfg.port),
        # Skips cluster bootstrapping and the production bootstrap checks (vm.max_map_count etc.).
        "discovery.type": "single-node",
        "path.data": str(node / "data"),
        "path.logs": str(node / "logs"),
        # The integ-test zip ships the x-pack-security module. Left implicit, the CLI would
        # auto-configure TLS, passwords and a keystore entry this distribution cannot read, and
        # the node fails to boot. Dev only: the loopback binding above is the access control.
        "xpack.security.enabled": "false",
        # A shared, nearly full dev disk would otherwise flip every index to read-only at 95%.
        # https://www.elastic.co/docs/reference/elasticsearch/configuration-reference/cluster-level-shard-allocation-routing-settings#disk-based-shard-allocation
        "cluster.routing.allocation.disk.threshold_enabled": "false",
    }
    argv = [str(es_home / "bin" / "elasticsearch")]
    argv += [f"-E{key}={value}" for key, value in settings.items()]
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


def java_major(version: str) -> int | None:
    """Major version of a JAVA_VERSION string: "25.0.3" -> 25, "1.8.0_292" -> 8."""
    parts = re.findall(r"\d+", version)
    if not parts:
        return None
    major = int(parts[0])
    if major == 1 and len(parts) > 1:
        return int(parts[1])
    return major


def _release_version(jdk: Path) -> tuple[int, ...] | None:
    """Numeric JAVA_VERSION from a JDK's `release` file, or None if unreadable."""
    try:
        text = (jdk / "release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = _JAVA_VERSION_RE.search(text)
    if match is None or java_major(match.group(1)) is None:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
    if numbers[0] == 1:
        numbers = numbers[1:]
    return tuple(numbers)


def find_java_home(
    environ: Mapping[str, str] = os.environ, jvm_root: Path = JVM_ROOT, min_major: int = MIN_JAVA
) -> Path:
    """Return ES_JAVA_HOME if set, else the newest JDK >= min_major under jvm_root."""
    explicit = environ.get("ES_JAVA_HOME", "").strip()
    if explicit:
        home = Path(explicit)
        if not (home / "bin" / "java").is_file():
            raise EngineError(f"ES_JAVA_HOME={explicit} has no bin/java")
        return home
    candidates: list[tuple[tuple[int, ...], str, Path]] = []
    if jvm_root.is_dir():
        for jdk in jvm_root.iterdir():
            version = _release_version(jdk)
            if version and version[0] >= min_major and (jdk / "bin" / "java").is_file():
                # Debian adds symlinked aliases of the same JDK; prefer the real directory name.
                candidates.append((version, "" if jdk.is_symlink() else jdk.name, jdk))
    if not candidates:
        raise EngineError(
            f"Elasticsearch {ES_VERSION} needs Java {min_major} or newer and none was found "
            f"under {jvm_root}; install a JDK (e.g. temurin-21-jdk) or set ES_JAVA_HOME"
        )
    return max(candidates)[2]


def fetch(cfg: NodeConfig) -> Path:
    """Download (via Maven) and unpack the distribution once; return the ES home directory."""
    home = cfg.es_home
    if home.is_dir():
        return home
    cfg.root.mkdir(parents=True, exist_ok=True)
    if not cfg.zip_path.is_file():
        _download(cfg)
    _note(f"unpacking {cfg.zip_path.name}…")
    # Unpack beside the target and rename, so an interrupted unpack never looks complete.
    staging = Path(tempfile.mkdtemp(prefix=f".unpack-{cfg.version}-", dir=cfg.root))
    try:
        _unzip(cfg.zip_path, staging)
        unpacked = staging / home.name
        if not (unpacked / "bin" / "elasticsearch").is_file():
            raise EngineError(f"{cfg.zip_path} does not contain {home.name}/bin/elasticsearch")
        try:
            unpacked.rename(home)
        except OSError:
            if not home.is_dir():  # otherwise a concurrent fetch won the race, which is fine
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return home


def _download(cfg: NodeConfig) -> None:
    """Copy the distribution zip from Maven Central into cfg.root."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise EngineError(
            f"Maven (mvn) is needed to download Elasticsearch {cfg.version}; install it, "
            f"or place elasticsearch-{cfg.version}.zip in {cfg.root}"
        )
    artifact = MAVEN_ARTIFACT.format(version=cfg.version)
    _note(f"fetching {artifact} with Maven…")
    with tempfile.TemporaryDirectory(prefix=".download-", dir=cfg.root) as tmp:
        cmd = [
            mvn,
            "-q",
            "-B",
            "dependency:copy",
            f"-Dartifact={artifact}",
            f"-DoutputDirectory={tmp}",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        downloaded = Path(tmp) / cfg.zip_path.name
        if done.returncode != 0 or not downloaded.is_file():
            tail = _tail_text(done.stdout + done.stderr)
            code = done.returncode
            raise EngineError(f"mvn could not download {artifact} (exit {code}):\n{tail}")
        downloaded.replace(cfg.zip_path)


def _unzip(archive: Path, dest: Path) -> None:
    """Extract a zip, keeping the Unix modes zipfile drops (bin/ scripts must stay executable)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            modes: list[tuple[Path, int]] = []
            for info in zf.infolist():
                target = Path(zf.extract(info, dest))
                mode = (info.external_attr >> 16) & 0o777
                if mode:
                    modes.append((target, mode))
            # Directories last and deepest first, so a read-only directory cannot block its files.
            modes.sort(key=lambda item: (item[0].is_dir(), -len(item[0].parts)))
            for target, mode in modes:
                target.chmod(mode)
    except zipfile.BadZipFile as exc:
        raise EngineError(f"{archive} is corrupt ({exc}); delete it and run again") from exc


def start(cfg: NodeConfig, timeout: float = 180) -> str:
    """Start the node, or reuse one already answering on the port; return its URL once healthy."""
    began = time.monotonic()
    version = _probe_version(cfg.url)
    if version is not None:
        if _has_plugin(cfg.url):
            mismatch = "" if version == cfg.version else f" (wanted {cfg.version})"
            _note(f"reusing Elasticsearch {version} already running at {cfg.url}{mismatch}")
            _wait_healthy(cfg, None, began + timeout)
            return cfg.url
        # The index mapping needs the plugin's filters: a node without it cannot hold articles.
        if _node_pid(cfg) is None:
            raise EngineError(
                f"the Elasticsearch node at {cfg.url} lacks the {PLUGIN_NAME} plugin the index "
                "mapping needs (engine/plugin/); stop it or set ES_PORT to another port"
            )
        _note(f"restarting the node at {cfg.url} to load the {PLUGIN_NAME} plugin…")
        stop(cfg)
    cfg.node_dir.mkdir(parents=True, exist_ok=True)
    # Two starts at once (parallel test workers, `make run` beside pytest) must not both launch.
    with _exclusive(cfg.node_dir / "start.lock"):
        pid = _node_pid(cfg)
        if pid is not None:
            _note(f"node pid {pid} is still starting; waiting for it…")
        elif _port_open(cfg.port):
            raise EngineError(
                f"127.0.0.1:{cfg.port} is taken by something that does not answer as an open "
                "Elasticsearch node; stop it or set ES_PORT to another port"
            )
        else:
            pid = _launch(cfg)
    _wait_healthy(cfg, pid, began + timeout)
    _note(f"ready in {time.monotonic() - began:.1f}s at {cfg.url}")
    return cfg.url


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive flock on lock_path for the duration of the block."""
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _launch(cfg: NodeConfig) -> int:
    """Prepare the node directory and spawn the node detached; return its pid."""
    es_home = fetch(cfg)
    java_home = find_java_home()
    ensure_plugin(es_home, java_home, version=cfg.version, cache=cfg.root / "plugin")
    user, group = _run_as()
    _prepare_node_dir(cfg, es_home, user, group)
    argv, env = node_command(cfg, es_home, java_home)
    _note(f"starting Elasticsearch {cfg.version} on {cfg.url} with {java_home.name}…")
    with cfg.console_log.open("wb") as log:
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=cfg.node_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own session: no terminal hangup or Ctrl-C in the caller's shell reaches the node.
            start_new_session=True,
            user=user,
            group=group,
            # Without this the child keeps root's supplementary groups.
            extra_groups=[] if user is not None else None,
        )
    _CHILDREN[proc.pid] = proc
    cfg.pid_file.write_text(f"{proc.pid}\n")
    return proc.pid


def _run_as() -> tuple[int | None, int | None]:
    """The uid and gid to run the node as: a system user when we are root, else unchanged."""
    if os.geteuid() != 0:
        return None, None
    # Elasticsearch refuses to run as root.
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        entry = _create_service_user()
    return entry.pw_uid, entry.pw_gid


def _create_service_user() -> pwd.struct_passwd:
    """Create the unprivileged system user that runs the node."""
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    cmd = [
        useradd,
        "--system",
        "--user-group",
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        SERVICE_USER,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    try:
        # Re-read even on failure: a concurrent start may have created the user first.
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        raise EngineError(
            f"running as root, and could not create user {SERVICE_USER!r} to run Elasticsearch: "
            f"{done.stderr.strip() or done.returncode}"
        ) from None


def _prepare_node_dir(cfg: NodeConfig, es_home: Path, user: int | None, group: int | None) -> None:
    """Create config/data/logs/tmp under the node dir, hand it to the node's user."""
    node = cfg.node_dir
    for sub in ("data", "logs", "tmp"):
        (node / sub).mkdir(parents=True, exist_ok=True)
    # A fresh copy on every start: all our settings are -E flags, so the config is disposable,
    # and anything ES wrote into it last time (keystore, certificates) cannot leak into this run.
    shutil.rmtree(node / "config", ignore_errors=True)
    shutil.copytree(es_home / "config", node / "config")
    if user is None or group is None:
        return
    _check_reachable(cfg.root)
    _check_reachable(es_home)
    for dirpath, dirnames, filenames in os.walk(node):
        os.chown(dirpath, user, group)
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), user, group, follow_symlinks=False)


def _check_reachable(path: Path) -> None:
    """Fail clearly when a parent directory would stop the unprivileged node user."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode if parent.exists() else 0o755
        if not mode & 0o001:
            raise EngineError(
                f"user {SERVICE_USER!r} cannot enter {parent} (mode {mode & 0o777:o}); "
                "chmod o+x it, or set ENGINE_CACHE to a directory outside it"
            )


def _wait_healthy(cfg: NodeConfig, pid: int | None, deadline: float) -> None:
    """Poll cluster health until yellow or green; fail fast if the process dies."""
    health_url = f"{cfg.url}/_cluster/health?wait_for_status=yellow&timeout=1s"
    last = "no answer"
    while True:
        if pid is not None and not _alive(pid):
            code = _exit_code(pid)
            cfg.pid_file.unlink(missing_ok=True)
            how = f" with code {code}" if code is not None else ""
            raise EngineError(
                f"Elasticsearch exited during startup{how}; "
                f"last lines of {cfg.console_log}:\n{_tail_file(cfg.console_log)}"
            )
        health = _get_json(health_url)
        # Error bodies carry a numeric "status" (the HTTP code); only a string is cluster health.
        status = health.get("status") if isinstance(health, dict) else None
        if status in ("yellow", "green"):
            return
        if isinstance(status, str):
            last = f"cluster status {status}"
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_INTERVAL)
    if pid is not None:
        # A half-started node would hold the port and the data dir lock; do not leave it behind.
        stop(cfg, timeout=30)
    raise EngineError(
        f"Elasticsearch at {cfg.url} was not healthy in time ({last}); "
        f"last lines of {cfg.console_log}:\n{_tail_file(cfg.console_log)}"
    )


def stop(cfg: NodeConfig, timeout: float = 60) -> bool:
    """Stop the node this launcher started on the port; return whether anything was stopped."""
    pid = _read_pid(cfg.pid_file)
    if pid is None:
        return False
    if not _is_node_process(pid):
        cfg.pid_file.unlink(missing_ok=True)  # stale: the node died or the pid was reused
        return False
    # The pid is the launcher JVM; the server JVM it forks shares its process group (start()
    # made the launcher a group leader). Signalling the group is what Ctrl-C does in a terminal,
    # and it also reaches a server whose launcher died first, e.g. when stopped mid-startup.
    _signal(pid, signal.SIGTERM)
    if not _wait_gone(pid, timeout):
        _note(f"pid {pid} ignored SIGTERM for {timeout:.0f}s; killing it")
        _signal(pid, signal.SIGKILL)
        _wait_gone(pid, 10)
    cfg.pid_file.unlink(missing_ok=True)
    _CHILDREN.pop(pid, None)
    return True


def status(cfg: NodeConfig) -> NodeStatus:
    """Report whether a node answers on the port, with its version and cluster health."""
    pid = _node_pid(cfg)
    version = _probe_version(cfg.url)
    if version is None:
        return NodeStatus(running=False, url=cfg.url, pid=pid)
    health = _get_json(f"{cfg.url}/_cluster/health")
    cluster = health.get("status") if isinstance(health, dict) else None
    return NodeStatus(
        running=True,
        url=cfg.url,
        pid=pid,
        version=version,
        cluster_status=cluster if isinstance(cluster, str) else None,
    )


def _get_json(url: str, timeout: float = HTTP_TIMEOUT) -> object:
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


def _probe_version(url: str) -> str | None:
    """The version of the Elasticsearch node answering at url, or None if none answers."""
    # Not `GET /`: its handler lives in the rest-root module, which the integ-test zip lacks
    # (it answers 405 there). The nodes info API is in the server itself.
    info = _get_json(f"{url}/_nodes/_local?filter_path=nodes.*.version")
    nodes = info.get("nodes") if isinstance(info, dict) else None
    if not isinstance(nodes, dict):
        return None
    for node in nodes.values():
        version = node.get("version") if isinstance(node, dict) else None
        if isinstance(version, str):
            return version
    return None


def _has_plugin(url: str) -> bool:
    """Whether every node of the cluster at url has loaded our analysis plugin."""
    try:
        rows = _get_json(f"{url}/_cat/plugins?format=json&h=component")
    except (OSError, ValueError):
        return False
    return isinstance(rows, list) and any(
        isinstance(row, dict) and row.get("component") == PLUGIN_NAME for row in rows
    )


def _port_open(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _read_pid(pid_file: Path) -> int | None:
    """The pid stored in pid_file, or None if it is missing or garbage."""
    try:
        text = pid_file.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None


def _node_pid(cfg: NodeConfig) -> int | None:
    """The pid from the pid file if it is still a live Elasticsearch JVM."""
    pid = _read_pid(cfg.pid_file)
    return pid if pid is not None and _is_node_process(pid) else None


def _cmdline(pid: int) -> list[str]:
    """A process's argv, or [] if it is gone or a zombie."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        if Path("/proc/self").exists():
            return []
        # No procfs (macOS): ask ps, which prints the command line space-joined.
        done = subprocess.run(
            ["ps", "-o", "args=", "-p", str(pid)], capture_output=True, text=True, check=False
        )
        return done.stdout.split()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _is_node_process(pid: int) -> bool:
    """Whether pid is a live java process running Elasticsearch (guards against pid reuse)."""
    argv = _cmdline(pid)
    is_java = bool(argv) and Path(argv[0]).name == "java"
    return is_java and any("elasticsearch" in arg for arg in argv)


def _alive(pid: int) -> bool:
    """Whether pid still runs; reaps it if it is our own exited child."""
    proc = _CHILDREN.get(pid)
    if proc is not None:
        return proc.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # An exited process whose parent has not reaped it yet still accepts signal 0.
    return bool(_cmdline(pid))


def _exit_code(pid: int) -> int | None:
    """Exit code of a child this process launched, if known."""
    proc = _CHILDREN.pop(pid, None)
    return proc.returncode if proc is not None else None


def _signal(pid: int, sig: signal.Signals) -> None:
    """Send sig to the process group led by pid, or to pid alone if it leads none."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running (zombies do not count)."""
    proc = Path("/proc")
    if not (proc / "self").exists():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # After the ")" that closes the command name: state, ppid, pgrp, ...
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def _wait_gone(pid: int, timeout: float) -> bool:
    """Wait up to timeout seconds for pid and the rest of its group to exit."""
    deadline = time.monotonic() + timeout
    while _alive(pid) or _group_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)
    return True


def _tail_text(text: str, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of text."""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _tail_file(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a log file, or a note that it is missing."""
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64 * 1024))
            return _tail_text(f.read().decode(errors="replace"), lines)
    except OSError:
        return f"({path} is missing)"


def _note(message: str) -> None:
    """A progress line on stderr, leaving stdout for results."""
    print(f"engine: {message}", file=sys.stderr, flush=True)
