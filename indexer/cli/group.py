"""The `python -m indexer` command group: connection options, then one command per job."""

from __future__ import annotations

import click

from indexer.cli.alerts import alerts_group
from indexer.cli.backup import restore, snapshot, snapshots
from indexer.cli.common import Context
from indexer.cli.entities import entities_command
from indexer.cli.index import create_index_command, reindex, rollback, stats
from indexer.cli.load import load


@click.group()
@click.option(
    "--es-url",
    envvar="ES_URL",
    default="http://127.0.0.1:9200",
    show_default=True,
    help="The engine's URL, or its nodes' URLs separated by commas.",
)
@click.option("--api-key", envvar="ES_API_KEY", default=None, help="Elasticsearch API key.")
@click.option(
    "--index",
    "index",
    envvar="INDEX_ALIAS",
    default="articles",
    show_default=True,
    help="The alias articles are read and written through.",
)
@click.option("--timeout", envvar="ES_TIMEOUT", default=60.0, show_default=True, type=float)
@click.pass_context
def main(ctx: click.Context, es_url: str, api_key: str | None, index: str, timeout: float) -> None:
    """Load news articles with their entity facets into Elasticsearch."""
    ctx.obj = Context(es_url, api_key, index, timeout)


main.add_command(create_index_command)
main.add_command(stats)
main.add_command(load)
main.add_command(reindex)
main.add_command(rollback)
main.add_command(snapshot)
main.add_command(snapshots)
main.add_command(restore)
main.add_command(alerts_group)
# The entity step alone (no engine), for debugging facets and for the quality harness.
main.add_command(entities_command)
