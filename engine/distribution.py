"""The Elasticsearch distribution every local node runs: fetched once with Maven, unpacked once.

Standard library only, like the rest of the package, so it runs before the project's
dependencies are installed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from engine.errors import EngineError
from engine.messages import note, tail_text

ES_VERSION = "9.5.4"

# The integ-test zip is the only distribution Maven Central has (the full one is only on
# Elastic's own download site). It has no bundled JDK and only four modules: transport-netty4,
# x-pack-core, x-pack-security and apm. So no analysis-common (asciifolding, stemmers, language
# analyzers), no reindex (_reindex, _update_by_query), no painless, and no rest-root (GET / and
# HEAD /, so the Python client's info() fails and ping() is False).
MAVEN_ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"


@dataclass(frozen=True)
class Distribution:
    """One version of Elasticsearch in the engine cache, shared by every node that runs it."""

    version: str
    root: Path

    @property
    def zip_path(self) -> Path:
        """The downloaded distribution archive."""
        return self.root / f"elasticsearch-{self.version}.zip"

    @property
    def es_home(self) -> Path:
        """The unpacked distribution."""
        return self.root / f"elasticsearch-{self.version}"

    @property
    def plugin_cache(self) -> Path:
        """Where our analysis plugin is built for this cache."""
        return self.root / "plugin"


def fetch(dist: Distribution) -> Path:
    """Download (via Maven) and unpack the distribution once; return the ES home directory."""
    home = dist.es_home
    if home.is_dir():
        return home
    dist.root.mkdir(parents=True, exist_ok=True)
    if not dist.zip_path.is_file():
        _download(dist)
    note(f"unpacking {dist.zip_path.name}…")
    # Unpack beside the target and rename, so an interrupted unpack never looks complete.
    staging = Path(tempfile.mkdtemp(prefix=f".unpack-{dist.version}-", dir=dist.root))
    try:
        _unzip(dist.zip_path, staging)
        unpacked = staging / home.name
        if not (unpacked / "bin" / "elasticsearch").is_file():
            raise EngineError(f"{dist.zip_path} does not contain {home.name}/bin/elasticsearch")
        try:
            unpacked.rename(home)
        except OSError:
            if not home.is_dir():  # otherwise a concurrent fetch won the race, which is fine
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return home


def _download(dist: Distribution) -> None:
    """Copy the distribution zip from Maven Central into the cache."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise EngineError(
            f"Maven (mvn) is needed to download Elasticsearch {dist.version}; install it, "
            f"or place elasticsearch-{dist.version}.zip in {dist.root}"
        )
    artifact = MAVEN_ARTIFACT.format(version=dist.version)
    note(f"fetching {artifact} with Maven…")
    with tempfile.TemporaryDirectory(prefix=".download-", dir=dist.root) as tmp:
        cmd = [
            mvn,
            "-q",
            "-B",
            "dependency:copy",
            f"-Dartifact={artifact}",
            f"-DoutputDirectory={tmp}",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        downloaded = Path(tmp) / dist.zip_path.name
        if done.returncode != 0 or not downloaded.is_file():
            tail = tail_text(done.stdout + done.stderr)
            code = done.returncode
            raise EngineError(f"mvn could not download {artifact} (exit {code}):\n{tail}")
        downloaded.replace(dist.zip_path)


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
