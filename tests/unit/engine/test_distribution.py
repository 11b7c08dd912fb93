"""Fetching and unpacking the distribution, with stand-ins for Maven and small zips."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from engine import distribution
from engine.config import NodeConfig
from engine.errors import EngineError
from tests.unit.engine.support import write_zip


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
    home = distribution.fetch(cfg.distribution)
    assert home == cfg.es_home
    assert os.access(home / "bin" / "elasticsearch", os.X_OK)
    assert stat.S_IMODE((home / "config" / "jvm.options").stat().st_mode) == 0o660
    assert sorted(p.name for p in tmp_path.iterdir()) == [cfg.es_home.name, cfg.zip_path.name]

    def unzip_again(archive: Path, dest: Path) -> None:
        raise AssertionError("fetch unpacked an existing distribution again")

    monkeypatch.setattr(distribution, "_unzip", unzip_again)
    assert distribution.fetch(cfg.distribution) == home


def test_fetch_rejects_a_zip_without_the_distribution_and_leaves_nothing(tmp_path: Path) -> None:
    cfg = NodeConfig(root=tmp_path)
    write_zip(cfg.zip_path, {"something-else/README": ("hi\n", 0o644)})
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
