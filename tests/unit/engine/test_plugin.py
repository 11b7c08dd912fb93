"""Tests of the news-analysis plugin build and install logic, without a running engine."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine import plugin
from engine.errors import EngineError
from engine.java import find_java_home
from engine.plugin import (
    DESCRIPTOR_NAME,
    FILTER_NAMES,
    JAR_NAME,
    NAMED_COMPONENTS_NAME,
    PLUGIN_NAME,
    VERSION_PLACEHOLDER,
    PluginError,
    assemble_zip,
    build_of,
    build_plugin,
    install_plugin,
    project_dir,
    read_descriptor,
    zip_build,
    zip_hash,
)

PROJECT = project_dir()
TOKEN_FILTER_API = "org.elasticsearch.plugin.analysis.TokenFilterFactory"
# PluginDescriptor.readerStable rejects any other key, so a typo would only show at install.
STABLE_DESCRIPTOR_KEYS = {
    "name",
    "description",
    "version",
    "elasticsearch.version",
    "java.version",
    "modular",
}

# Stands in for bin/elasticsearch-plugin: logs its arguments, unzips on install, deletes on remove.
FAKE_PLUGIN_CLI = """\
import pathlib, shutil, sys, urllib.parse, zipfile
home = pathlib.Path(__file__).resolve().parent.parent
with open(home / "cli.log", "a") as log:
    log.write(" ".join(sys.argv[1:2]) + "\\n")
target = home / "plugins" / "news-analysis"
if sys.argv[1] == "install":
    zipfile.ZipFile(urllib.parse.urlparse(sys.argv[-1]).path).extractall(target)
elif sys.argv[1] == "remove":
    shutil.rmtree(target)
"""


def _named_components() -> dict[str, dict[str, str]]:
    """The checked-in named_components.json."""
    data: dict[str, dict[str, str]] = json.loads((PROJECT / NAMED_COMPONENTS_NAME).read_text())
    return data


def _fake_jar(path: Path, payload: bytes = b"classes") -> Path:
    """A stand-in for the Maven-built jar."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as jar:
        jar.writestr("news/analysis/Fake.class", payload)
    return path


def _fake_es_home(root: Path, version: str = "9.5.4") -> Path:
    """An ES home with just what install_plugin looks at and a scripted plugin CLI."""
    home = root / f"elasticsearch-{version}"
    (home / "lib").mkdir(parents=True)
    (home / "lib" / f"elasticsearch-{version}.jar").write_bytes(b"")
    (home / "plugins").mkdir()
    cli = home / "bin" / "elasticsearch-plugin"
    cli.parent.mkdir()
    cli.write_text(f"#!{sys.executable}\n{FAKE_PLUGIN_CLI}")
    cli.chmod(0o755)
    return home


def _cli_calls(home: Path) -> list[str]:
    """Subcommands the fake plugin CLI has been run with."""
    log = home / "cli.log"
    return log.read_text().split() if log.exists() else []


def test_descriptor_template_has_only_stable_keys() -> None:
    text = (PROJECT / DESCRIPTOR_NAME).read_text()
    props = plugin._parse_properties(text)
    assert set(props) == STABLE_DESCRIPTOR_KEYS
    assert props["name"] == PLUGIN_NAME
    assert props["elasticsearch.version"] == VERSION_PLACEHOLDER
    assert props["modular"] == "false"


def test_descriptor_java_version_matches_pom_release() -> None:
    pom = (PROJECT / "pom.xml").read_text()
    release = re.search(r"<maven.compiler.release>(\d+)</maven.compiler.release>", pom)
    assert release is not None
    props = plugin._parse_properties((PROJECT / DESCRIPTOR_NAME).read_text())
    assert props["java.version"] == release.group(1)


def test_named_components_register_exactly_the_filters() -> None:
    components = _named_components()
    assert list(components) == [TOKEN_FILTER_API]
    assert sorted(components[TOKEN_FILTER_API]) == sorted(FILTER_NAMES)


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_named_component_class_declares_the_same_name(name: str) -> None:
    class_name = _named_components()[TOKEN_FILTER_API][name]
    source = PROJECT / "src" / "main" / "java" / (class_name.replace(".", "/") + ".java")
    text = source.read_text()
    # ES looks classes up by the JSON; the annotation is what the Gradle scanner would have used.
    assert f'@NamedComponent("{name}")' in text
    assert "implements TokenFilterFactory" in text


def test_assemble_zip_contents_and_version(tmp_path: Path) -> None:
    jar = _fake_jar(tmp_path / JAR_NAME)
    dest = tmp_path / "out" / "plugin.zip"
    assemble_zip(jar, PROJECT, version="9.5.4", dest=dest)
    with zipfile.ZipFile(dest) as archive:
        assert sorted(archive.namelist()) == sorted(
            [JAR_NAME, DESCRIPTOR_NAME, NAMED_COMPONENTS_NAME]
        )
        assert archive.read(JAR_NAME) == jar.read_bytes()
        assert json.loads(archive.read(NAMED_COMPONENTS_NAME)) == _named_components()
    descriptor = read_descriptor(dest)
    assert descriptor["elasticsearch.version"] == "9.5.4"
    assert descriptor["name"] == PLUGIN_NAME
    assert not list(dest.parent.glob("*.partial"))


def test_assemble_zip_is_deterministic(tmp_path: Path) -> None:
    jar = _fake_jar(tmp_path / JAR_NAME)
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    assemble_zip(jar, PROJECT, version="9.5.4", dest=first)
    assemble_zip(jar, PROJECT, version="9.5.4", dest=second)
    assert first.read_bytes() == second.read_bytes()
    assemble_zip(jar, PROJECT, version="9.5.5", dest=second)
    assert zip_hash(first) != zip_hash(second)


def test_the_zip_names_its_build_which_changes_with_the_code_only(tmp_path: Path) -> None:
    jar = _fake_jar(tmp_path / JAR_NAME)
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    assemble_zip(jar, PROJECT, version="9.5.4", dest=first)
    assemble_zip(jar, PROJECT, version="9.5.5", dest=second)
    build = zip_build(first)
    assert build is not None and len(build) == 16
    # A running node reports the description back (`_cat/plugins`): that is where it is read.
    assert build_of(read_descriptor(first)["description"]) == build
    assert zip_build(second) == build
    jar.write_bytes(jar.read_bytes() + b"changed")
    assemble_zip(jar, PROJECT, version="9.5.4", dest=second)
    assert zip_build(second) not in (None, build)
    assert build_of("filters for news search") is None


@pytest.mark.parametrize("version", ["", "9.5", "latest", "9.5.4; rm -rf /"])
def test_assemble_zip_rejects_bad_versions(tmp_path: Path, version: str) -> None:
    with pytest.raises(PluginError, match="must look like"):
        assemble_zip(_fake_jar(tmp_path / JAR_NAME), PROJECT, version=version, dest=tmp_path / "z")


def test_assemble_zip_rejects_invalid_named_components(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(PROJECT / DESCRIPTOR_NAME, project)
    (project / NAMED_COMPONENTS_NAME).write_text("{not json")
    with pytest.raises(PluginError, match="not valid JSON"):
        assemble_zip(_fake_jar(tmp_path / JAR_NAME), project, version="9.5.4", dest=tmp_path / "z")


def test_jar_staleness_follows_pom_and_sources(tmp_path: Path) -> None:
    project = tmp_path / "project"
    source = project / "src" / "main" / "java" / "A.java"
    source.parent.mkdir(parents=True)
    source.write_text("class A {}")
    (project / "pom.xml").write_text("<project/>")
    jar = tmp_path / "maven" / JAR_NAME
    assert plugin._jar_is_stale(jar, project)
    _fake_jar(jar)
    os.utime(jar, ns=(2_000_000_000_000_000_000,) * 2)
    assert not plugin._jar_is_stale(jar, project)
    os.utime(source, ns=(2_000_000_000_000_000_001,) * 2)
    assert plugin._jar_is_stale(jar, project)


def test_install_plugin_is_idempotent_and_replaces_other_builds(tmp_path: Path) -> None:
    home = _fake_es_home(tmp_path)
    zip_path = tmp_path / "plugin.zip"
    assemble_zip(_fake_jar(tmp_path / "v1.jar"), PROJECT, version="9.5.4", dest=zip_path)
    install_plugin(home, Path("/unused-jdk"), zip_path, version="9.5.4")
    assert _cli_calls(home) == ["install"]
    installed = home / "plugins" / PLUGIN_NAME
    assert read_descriptor(zip_path) == plugin._parse_properties(
        (installed / DESCRIPTOR_NAME).read_text()
    )

    install_plugin(home, Path("/unused-jdk"), zip_path, version="9.5.4")
    assert _cli_calls(home) == ["install"]

    assemble_zip(_fake_jar(tmp_path / "v2.jar", b"v2"), PROJECT, version="9.5.4", dest=zip_path)
    install_plugin(home, Path("/unused-jdk"), zip_path, version="9.5.4")
    assert _cli_calls(home) == ["install", "remove", "install"]
    assert plugin.installed_hash(installed) == zip_hash(zip_path)


def test_install_plugin_refuses_a_zip_for_another_version(tmp_path: Path) -> None:
    home = _fake_es_home(tmp_path)
    zip_path = tmp_path / "plugin.zip"
    assemble_zip(_fake_jar(tmp_path / JAR_NAME), PROJECT, version="9.5.3", dest=zip_path)
    with pytest.raises(PluginError, match=r"built for Elasticsearch 9\.5\.3, not 9\.5\.4"):
        install_plugin(home, Path("/unused-jdk"), zip_path, version="9.5.4")
    assert _cli_calls(home) == []


def test_install_plugin_refuses_a_home_of_another_version(tmp_path: Path) -> None:
    home = _fake_es_home(tmp_path, version="9.5.3")
    zip_path = tmp_path / "plugin.zip"
    assemble_zip(_fake_jar(tmp_path / JAR_NAME), PROJECT, version="9.5.4", dest=zip_path)
    with pytest.raises(PluginError, match=r"not an Elasticsearch 9\.5\.4 installation"):
        install_plugin(home, Path("/unused-jdk"), zip_path, version="9.5.4")


def test_install_plugin_reports_cli_failure(tmp_path: Path) -> None:
    home = _fake_es_home(tmp_path)
    (home / "bin" / "elasticsearch-plugin").write_text(
        "#!/bin/sh\necho 'boom: no java' >&2\nexit 3\n"
    )
    zip_path = tmp_path / "plugin.zip"
    assemble_zip(_fake_jar(tmp_path / JAR_NAME), PROJECT, version="9.5.4", dest=zip_path)
    with pytest.raises(PluginError, match=r"(?s)exit code 3.*boom: no java"):
        install_plugin(home, Path("/unused-jdk"), zip_path, version="9.5.4")


def test_plugin_error_is_an_engine_error() -> None:
    # Callers such as `python -m engine` report EngineError; plugin failures must reach them too.
    assert issubclass(PluginError, EngineError)


@pytest.mark.slow
def test_build_plugin_with_maven(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("mvn") is None:
        pytest.skip("mvn is not installed")
    try:
        java_home = find_java_home()
    except EngineError as exc:
        pytest.skip(str(exc))
    zip_path = build_plugin(java_home, version="9.5.4", out_dir=tmp_path)
    assert zip_path == tmp_path / f"{PLUGIN_NAME}-9.5.4.zip"
    assert read_descriptor(zip_path)["elasticsearch.version"] == "9.5.4"
    with zipfile.ZipFile(zip_path) as archive:
        jar_path = tmp_path / "from-zip.jar"
        jar_path.write_bytes(archive.read(JAR_NAME))
    with zipfile.ZipFile(jar_path) as jar:
        classes = set(jar.namelist())
    for class_name in _named_components()[TOKEN_FILTER_API].values():
        assert class_name.replace(".", "/") + ".class" in classes

    # An up-to-date jar must not start Maven again.
    def no_subprocess(*args: object, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        raise AssertionError(f"unexpected subprocess {args}")

    monkeypatch.setattr(subprocess, "run", no_subprocess)
    assert build_plugin(java_home, version="9.5.4", out_dir=tmp_path) == zip_path
