"""Finding a JDK the distribution can run on."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import java
from engine.errors import EngineError
from engine.java import find_java_home


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
    assert java.java_major(text) == major
