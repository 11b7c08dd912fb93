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


def test_status_of_a_cluster_has_a_line_per_node_and_fails_unless_all_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first = free_port()
    monkeypatch.setenv("ES_PORT", str(first))
    monkeypatch.setenv("ENGINE_CACHE", str(tmp_path))
    assert main(["status", "--nodes", "3"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0] == f"not running at http://127.0.0.1:{first}"


def test_es_nodes_is_the_default_number_of_nodes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ES_PORT", str(free_port()))
    monkeypatch.setenv("ENGINE_CACHE", str(tmp_path))
    monkeypatch.setenv("ES_NODES", "2")
    assert main(["stop"]) == 0
    assert capsys.readouterr().out == "nothing to stop\n"
    assert main(["status"]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 2
    monkeypatch.setenv("ES_NODES", "many")
    assert main(["status"]) == 1
    assert "ES_NODES must be a number of nodes from 1 to 9" in capsys.readouterr().err


def test_a_node_count_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["start", "--nodes", "12"])
    assert exit_info.value.code == 2
    assert "a number of nodes from 1 to 9" in capsys.readouterr().err
