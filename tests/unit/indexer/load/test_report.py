"""The load report, the per-input summaries and the progress lines a user reads."""

from rich.console import Console

from indexer.load.progress import LoadProgress
from indexer.load.report import Failure, InputSummary, LoadReport


def test_summary_names_each_outcome_once_any_happened():
    report = LoadReport(written=3, seconds=1.5, added=2, updated=1, unchanged=4, pruned=1)
    assert report.summary() == (
        "indexed 3, failed 0 in 1.5s (2 docs/s): "
        "added 2, updated 1, unchanged 4, duplicates 0, pruned 1"
    )


def test_load_report_summary_and_status():
    report = LoadReport(written=90, seconds=2.0)
    assert report.ok
    assert report.summary() == "indexed 90, failed 0 in 2.0s (45 docs/s)"
    report.failures.append(Failure("a.jsonl:3", "mapper_parsing_exception: bad", "x"))
    assert not report.ok
    assert str(report.failures[0]) == "a.jsonl:3 (id x): mapper_parsing_exception: bad"


def test_an_aborted_run_is_not_ok_even_without_failed_records():
    report = LoadReport(written=10, aborted="a bulk request failed after 6 retries")
    assert not report.ok


def test_input_summary_lists_only_what_happened():
    summary = InputSummary("/in/wire.rss", "feed")
    for outcome in ("added", "added", "failed"):
        summary.count(outcome)
    assert str(summary) == "/in/wire.rss (feed): 2 added, 1 failed"
    assert str(InputSummary("/in/empty.csv", None)) == "/in/empty.csv (unknown format): empty"


def test_progress_without_a_terminal_prints_rate_and_time_left(monkeypatch):
    console = Console(file=open("/dev/null", "w"), force_terminal=False)  # noqa: SIM115
    with LoadProgress(console, 1_000) as progress:
        line = progress.line(rate=50.0)
        progress.total, progress.done = 1_000, 400
        line = progress.line(rate=50.0)
    console.file.close()
    assert line == "indexing: 400/1000 records (40%), 50 docs/s, ETA 12s"


def test_progress_total_grows_when_the_estimate_fell_short():
    console = Console(file=open("/dev/null", "w"), force_terminal=False)  # noqa: SIM115
    with LoadProgress(console, 2) as progress:
        progress.advance(3)
        assert progress.total == 3
    console.file.close()
