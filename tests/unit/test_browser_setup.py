"""`make test`'s Chromium step (tests/browser/ensure-chromium.sh), with stand-in id and apt-get."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "browser" / "ensure-chromium.sh"

# Records its arguments and its DEBIAN_FRONTEND; `install` puts an executable at $CHROMIUM.
FAKE_APT = """#!/bin/sh
echo "$DEBIAN_FRONTEND $*" >> "$APT_LOG"
[ -n "$APT_FAILS" ] && exit 100
if [ "$1" = install ]; then echo '#!/bin/sh' > "$CHROMIUM"; /bin/chmod +x "$CHROMIUM"; fi
exit 0
"""


def run(tmp_path: Path, *, uid: int, apt: bool = True, apt_fails: bool = False) -> tuple[int, str]:
    """Run the script with PATH holding only stand-ins; return its exit code and stderr."""
    stubs = tmp_path / "bin"
    stubs.mkdir(exist_ok=True)
    (stubs / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    if apt:
        (stubs / "apt-get").write_text(FAKE_APT)
    for stub in stubs.iterdir():
        stub.chmod(0o755)
    env = {
        "PATH": str(stubs),
        "CHROMIUM": str(tmp_path / "chromium"),
        "APT_LOG": str(tmp_path / "apt.log"),
        "APT_FAILS": "1" if apt_fails else "",
    }
    done = subprocess.run(
        ["/bin/bash", str(SCRIPT)], env=env, capture_output=True, text=True, check=False
    )
    return done.returncode, done.stderr


def apt_calls(tmp_path: Path) -> list[str]:
    """The apt-get command lines the script ran."""
    log = tmp_path / "apt.log"
    return log.read_text().splitlines() if log.exists() else []


def test_nothing_is_installed_when_chromium_is_there(tmp_path: Path) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    assert run(tmp_path, uid=0) == (0, "")
    assert apt_calls(tmp_path) == []


def test_root_installs_debians_chromium_through_apt_without_questions(tmp_path: Path) -> None:
    code, _ = run(tmp_path, uid=0)
    assert code == 0
    assert apt_calls(tmp_path) == [
        "noninteractive update -qq",
        "noninteractive install -y -qq --no-install-recommends chromium",
    ]
    assert (tmp_path / "chromium").exists()


@pytest.mark.parametrize("apt", [True, False])
def test_a_user_who_is_not_root_is_told_how_and_the_run_goes_on(tmp_path: Path, apt: bool) -> None:
    code, err = run(tmp_path, uid=1000, apt=apt)
    assert code == 0
    assert "sudo apt-get install chromium" in err
    assert "CHROMIUM" in err
    assert apt_calls(tmp_path) == []


def test_root_without_apt_is_told_to_use_the_systems_package_manager(tmp_path: Path) -> None:
    code, err = run(tmp_path, uid=0, apt=False)
    assert code == 0
    assert "no apt-get" in err


def test_a_failed_apt_install_stops_make_test_with_a_message(tmp_path: Path) -> None:
    code, err = run(tmp_path, uid=0, apt_fails=True)
    assert code == 1
    assert "apt-get could not install chromium" in err
