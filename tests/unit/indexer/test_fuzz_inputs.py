"""Fuzzing the readers and the door: mutated fixtures of every format through the CLI (item 8).

Every run must end in a clean summary with exit status 0 or 1: no traceback, no hang. The NER
model is replaced by a blank pipeline (the readers are under test); `--dry-run` keeps the engine
out. tests/integration/indexer/test_fuzz_engine.py runs a slice as real processes on the engine.
"""

import signal
import tempfile
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import cli
from indexer.cli import common
from tests.fuzzing import SUMMARY, Mutant, mutants

# Mutated files per CLI run, and runs: BATCH * EXAMPLES inputs in all.
BATCH = 12
EXAMPLES = 200
# A run of BATCH small files takes well under a second; this long is a hang.
RUN_SECONDS = 30


class Hang(Exception):
    """A run that did not finish within RUN_SECONDS."""


@pytest.fixture(scope="module")
def tried() -> list[int]:
    """How many mutated inputs the test tried, printed at its end."""
    count = [0]
    yield count
    print(f"\nfuzzed {count[0]} mutated inputs through the CLI")


def _blank(model=None):
    return spacy.blank("en")


def _alarm(signum, frame):
    raise Hang(f"a load of {BATCH} mutated inputs ran past {RUN_SECONDS}s")


# Warnings from the parsing libraries are not what this test is about; in production they are
# not errors either.
@pytest.mark.filterwarnings("ignore")
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(batch=st.lists(mutants, min_size=BATCH, max_size=BATCH))
def test_mutated_inputs_of_every_format_end_in_a_clean_summary(batch: list[Mutant], tried):
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "build_nlp", _blank)
        for number, mutant in enumerate(batch):
            mutant.write(Path(folder), number)
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(RUN_SECONDS)
        try:
            result = CliRunner().invoke(cli.main, ["load", "--dry-run", folder])
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    tried[0] += len(batch)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{batch}"
    )
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert SUMMARY.search(result.stderr), result.stderr
