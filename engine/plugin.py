"""Build and install news-analysis, our stable-API analysis plugin for the local node.

The integ-test-zip distribution ships without the analysis-common module, so the English
stemming and ASCII folding filters the index mapping wants are provided by this plugin
(sources in engine/plugin/), with a phonetic filter for names. Standard library only, like the
rest of the package.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from engine.errors import EngineError

PLUGIN_NAME = "news-analysis"
REPO_ROOT = Path(__file__).resolve().parent.parent
PROJECT_SUBDIR = Path("engine") / "plugin"
JAR_NAME = f"{PLUGIN_NAME}.jar"
DESCRIPTOR_NAME = "stable-plugin-descriptor.properties"
NAMED_COMPONENTS_NAME = "named_components.json"
VERSION_PLACEHOLDER = "@ELASTICSEARCH_VERSION@"
# The token filters the plugin registers; the index settings refer to them by these names.
FILTER_NAMES = (
    "news_english_possessive",
    "news_asciifolding",
    "news_english_stemmer",
    "news_name_phonetic",
)
# Where Maven copies the plugin's runtime dependencies (commons-codec), beside the jar; each is
# zipped at the plugin's top level, where the node puts every jar on the plugin's class path.
LIB_DIR = "lib"

MVN_TIMEOUT = 900.0
CLI_TIMEOUT = 300.0
OUTPUT_TAIL_CHARS = 4000
# A fixed entry date makes the zip a pure function of its inputs, so hashes are stable.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_VERSION_RE = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?")
_ES_VERSION_KEY = "elasticsearch.version"
BUILD_MARK = "[build "
_BUILD_RE = re.compile(r"\[build ([0-9a-f]+)\]")
_DESCRIPTION_LINE = re.compile(r"^description=.*$", re.MULTILINE)


class PluginError(EngineError):
    """The news-analysis plugin could not be built or installed."""


def project_dir(repo: Path = REPO_ROOT) -> Path:
    """Return the Maven project directory of the plugin inside repo."""
    return repo / PROJECT_SUBDIR


def build_plugin(java_home: Path, *, version: str, repo: Path = REPO_ROOT, out_dir: Path) -> Path:
    """Build the plugin jar if stale, then assemble and return its zip for ES `version`."""
    _check_version(version)
    project = project_dir(repo)
    jar = out_dir / "maven" / JAR_NAME
    if _jar_is_stale(jar, project):
        _run_maven(java_home, project, jar.parent)
    zip_path = out_dir / f"{PLUGIN_NAME}-{version}.zip"
    assemble_zip(jar, project, version=version, dest=zip_path)
    return zip_path


def assemble_zip(jar: Path, project: Path, *, version: str, dest: Path) -> None:
    """Write the installable zip: the jar, its runtime dependencies (the jars in `lib/` beside
    it) and the two stable-plugin metadata files."""
    _check_version(version)
    descriptor = (project / DESCRIPTOR_NAME).read_text(encoding="utf-8")
    if VERSION_PLACEHOLDER not in descriptor:
        raise PluginError(f"{project / DESCRIPTOR_NAME} lacks the {VERSION_PLACEHOLDER} marker")
    named = (project / NAMED_COMPONENTS_NAME).read_bytes()
    try:
        json.loads(named)
    except ValueError as exc:
        # ES would only report this at node start-up, far from the cause.
        raise PluginError(f"{project / NAMED_COMPONENTS_NAME} is not valid JSON: {exc}") from exc
    code = {
        JAR_NAME: jar.read_bytes(),
        **{dep.name: dep.read_bytes() for dep in sorted((jar.parent / LIB_DIR).glob("*.jar"))},
        NAMED_COMPONENTS_NAME: named,
    }
    # The build id rides in the description, the one free-text key ES accepts and reports back
    # (`_cat/plugins`), so a running node can be asked which build it loaded.
    described = _DESCRIPTION_LINE.sub(
        lambda line: f"{line[0]} {BUILD_MARK}{build_id(code)}]",
        descriptor.replace(VERSION_PLACEHOLDER, version),
        count=1,
    )
    entries = {**code, DESCRIPTOR_NAME: described.encode("utf-8")}
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a concurrent reader never sees half a zip.
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    partial.replace(dest)


def build_id(code: dict[str, bytes]) -> str:
    """A short digest of the plugin's code (jars and component list) for one build."""
    return content_hash(code)[:16]


def build_of(description: str) -> str | None:
    """The build id a plugin description carries, None when it has none (an older build)."""
    found = _BUILD_RE.search(description)
    return found[1] if found else None


def zip_build(zip_path: Path) -> str | None:
    """The build id of a plugin zip made by assemble_zip."""
    return build_of(read_descriptor(zip_path).get("description", ""))


def read_descriptor(zip_path: Path) -> dict[str, str]:
    """Return the key/value pairs of the stable plugin descriptor inside zip_path."""
    with zipfile.ZipFile(zip_path) as archive:
        text = archive.read(DESCRIPTOR_NAME).decode("utf-8")
    return _parse_properties(text)


def content_hash(files: dict[str, bytes]) -> str:
    """Return a digest of relative file names and contents, independent of order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def zip_hash(zip_path: Path) -> str:
    """Return the content hash of the files a plugin zip would install."""
    with zipfile.ZipFile(zip_path) as archive:
        return content_hash(
            {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
        )


def installed_hash(plugin_dir: Path) -> str | None:
    """Return the content hash of an installed plugin directory, or None if absent."""
    if not plugin_dir.is_dir():
        return None
    return content_hash(
        {
            p.relative_to(plugin_dir).as_posix(): p.read_bytes()
            for p in plugin_dir.rglob("*")
            if p.is_file()
        }
    )


def install_plugin(es_home: Path, java_home: Path, zip_path: Path, *, version: str) -> None:
    """Install zip_path into es_home unless that exact build is already there."""
    _check_version(version)
    built_for = read_descriptor(zip_path).get(_ES_VERSION_KEY)
    if built_for != version:
        raise PluginError(f"{zip_path} was built for Elasticsearch {built_for}, not {version}")
    if not (es_home / "lib" / f"elasticsearch-{version}.jar").is_file():
        raise PluginError(f"{es_home} is not an Elasticsearch {version} installation")
    target = es_home / "plugins" / PLUGIN_NAME
    wanted = zip_hash(zip_path)
    if installed_hash(target) == wanted:
        return
    if target.exists():
        _plugin_cli(es_home, java_home, "remove", PLUGIN_NAME)
        # A half-installed copy can confuse `remove`; the directory is ours to clear.
        if target.exists():
            shutil.rmtree(target)
    _plugin_cli(es_home, java_home, "install", "--batch", zip_path.resolve().as_uri())
    if installed_hash(target) != wanted:
        raise PluginError(f"{target} does not match {zip_path} after installation")


def ensure_plugin(es_home: Path, java_home: Path, *, version: str, cache: Path) -> None:
    """Build (if needed) and install (if needed) the plugin; restart the node to load it."""
    zip_path = build_plugin(java_home, version=version, out_dir=cache)
    install_plugin(es_home, java_home, zip_path, version=version)


def source_files(project: Path) -> list[Path]:
    """Return the files whose change requires recompiling the jar."""
    sources = [project / "pom.xml"]
    src = project / "src"
    if src.is_dir():
        sources.extend(p for p in src.rglob("*") if p.is_file())
    return sources


def _jar_is_stale(jar: Path, project: Path) -> bool:
    """Whether the jar is missing or older than any Maven input."""
    if not jar.is_file():
        return True
    built = jar.stat().st_mtime_ns
    return any(p.stat().st_mtime_ns >= built for p in source_files(project))


def _run_maven(java_home: Path, project: Path, build_dir: Path) -> None:
    """Run `mvn package` for the plugin with its output under build_dir."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise PluginError("building the news-analysis plugin needs Maven (mvn) on PATH")
    env = dict(os.environ, JAVA_HOME=str(java_home))
    # copy-dependencies only adds: a jar the pom no longer names must not stay in the zip.
    shutil.rmtree(build_dir / LIB_DIR, ignore_errors=True)
    cmd = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(project / "pom.xml"),
        f"-Dnews.build.dir={build_dir.resolve()}",
        "package",
    ]
    _run(cmd, env, MVN_TIMEOUT, "mvn package")
    jar = build_dir / JAR_NAME
    if not jar.is_file():
        raise PluginError(f"mvn package succeeded but produced no {jar}")
    # maven-jar-plugin leaves an up-to-date jar untouched; mark it fresh so we skip next time.
    jar.touch()


def _plugin_cli(es_home: Path, java_home: Path, *args: str) -> None:
    """Run bin/elasticsearch-plugin with the given arguments."""
    env = dict(os.environ, ES_JAVA_HOME=str(java_home))
    cmd = [str(es_home / "bin" / "elasticsearch-plugin"), *args]
    _run(cmd, env, CLI_TIMEOUT, f"elasticsearch-plugin {args[0]}")


def _run(cmd: list[str], env: dict[str, str], timeout: float, what: str) -> None:
    """Run cmd quietly; on failure raise PluginError carrying the tail of its output."""
    try:
        result = subprocess.run(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PluginError(f"{what} did not finish within {timeout:.0f}s") from exc
    except OSError as exc:
        raise PluginError(f"could not run {what}: {exc}") from exc
    if result.returncode != 0:
        output = result.stdout.decode("utf-8", "replace")[-OUTPUT_TAIL_CHARS:]
        raise PluginError(f"{what} failed with exit code {result.returncode}:\n{output}")


def _check_version(version: str) -> None:
    """Reject anything that is not an Elasticsearch version number."""
    if not _VERSION_RE.fullmatch(version):
        raise PluginError(f"Elasticsearch version must look like 9.5.4, got {version!r}")


def _parse_properties(text: str) -> dict[str, str]:
    """Parse the simple key=value subset of Java properties our descriptor uses."""
    props: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        if sep:
            props[key.strip()] = value.strip()
    return props
