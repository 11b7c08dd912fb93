"""Fuzzing slice on the real engine: mutated fixtures loaded by real CLI processes (item 8).

The bulk of the fuzzing runs in-process (tests/unit/indexer/test_fuzz_inputs.py); here a seeded
sample goes through `python -m indexer load` as a user runs it, with the real NER model, once
into the engine and once with `--dry-run`: no traceback, no hang, a clean summary, exit 0 or 1.
"""

import os
import random
import subprocess
import sys

import pytest

from tests.fuzzing import REPO, SUMMARY, random_mutant

pytestmark = [pytest.mark.es, pytest.mark.slow]

SEED = 20261129
PER_RUN = 150
# Loading PER_RUN small files with the real model takes seconds; this long is a hang.
RUN_SECONDS = 240


@pytest.mark.parametrize("dry_run", [False, True], ids=["engine", "dry-run"])
def test_mutated_inputs_loaded_by_a_real_cli_process_end_in_a_clean_summary(
    es, es_url, alias, tmp_path, dry_run
):
    rng = random.Random(SEED + dry_run)
    for number in range(PER_RUN):
        random_mutant(rng).write(tmp_path, number)
    command = [sys.executable, "-m", "indexer", "--es-url", es_url, "--index", alias, "load"]
    done = subprocess.run(
        [*command, *(["--dry-run"] if dry_run else []), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=RUN_SECONDS,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    summary = done.stderr if dry_run else done.stdout
    assert SUMMARY.search(summary), done.stderr
    if not dry_run:
        es.indices.refresh(index=alias)
        assert es.count(index=alias)["count"] > 0
    print(f"\nfuzzed {PER_RUN} mutated inputs through `python -m indexer load` ({summary.strip()})")
