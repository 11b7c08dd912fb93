"""The command line, python -m engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.__main__ import main
from tests.support import free_port


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
