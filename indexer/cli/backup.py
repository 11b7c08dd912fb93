"""Backups: `snapshot`, `snapshots` and `restore` (the work is in indexer/index/snapshots.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from elasticsearch import ApiError

from articles import data_aliases
from indexer.cli.common import Context, engine_errors
from indexer.index.snapshots import (
    DEFAULT_LOCATION,
    DEFAULT_REPOSITORY,
    SnapshotError,
    list_snapshots,
    restore_snapshot,
    take_snapshot,
)
from indexer.load.retry import describe

repository_option = click.option(
    "--repository",
    envvar="SNAPSHOT_REPOSITORY",
    default=DEFAULT_REPOSITORY,
    show_default=True,
    help="The snapshot repository's name on the cluster.",
)
location_option = click.option(
    "--location",
    envvar="SNAPSHOT_LOCATION",
    default=DEFAULT_LOCATION,
    show_default=True,
    help="Its folder, when it is registered here: absolute, or under the nodes' path.repo.",
)


@contextmanager
def snapshot_errors(obj: Context) -> Iterator[None]:
    """An unreachable engine, a refused request or a failed snapshot as a one-line error."""
    with engine_errors(obj):
        try:
            yield
        except SnapshotError as exc:
            raise click.ClickException(str(exc)) from None
        except ApiError as exc:
            # e.g. a location outside path.repo, or a snapshot name already taken.
            raise click.ClickException(f"the engine refused: {describe(exc)}") from None


@click.command()
@repository_option
@location_option
@click.option("--name", default=None, help="The snapshot's name [default: <alias>-<time>].")
@click.pass_obj
def snapshot(obj: Context, repository: str, location: str, name: str | None) -> None:
    """Snapshot the articles and their names index, with their aliases.

    Registers the `fs` repository first if the cluster does not know it yet.
    """
    with snapshot_errors(obj):
        taken = take_snapshot(
            obj.client(), obj.index, repository=repository, location=location, name=name
        )
    held = ", ".join(
        f"{a} -> {taken.aliases[a]}" for a in data_aliases(obj.index) if a in taken.aliases
    )
    click.echo(f"snapshot {taken.name} in {repository}: {held}")


@click.command()
@repository_option
@click.pass_obj
def snapshots(obj: Context, repository: str) -> None:
    """List the snapshots of the alias in the repository, oldest first."""
    with snapshot_errors(obj):
        found = list_snapshots(obj.client(), obj.index, repository)
    if not found:
        click.echo(f"no snapshot of {obj.index} in {repository}")
    for each in found:
        held = ", ".join(each.aliases[a] for a in data_aliases(obj.index) if a in each.aliases)
        click.echo(f"{each.name}  {each.state}  {each.started}  {held}")


@click.command()
@repository_option
@location_option
@click.argument("name", required=False)
@click.pass_obj
def restore(obj: Context, repository: str, location: str, name: str | None) -> None:
    """Restore snapshot NAME (default: the newest complete one) and point the aliases at it.

    The indices come back under new names beside whatever the aliases point at now, which is
    kept: `rollback` returns to it. Works on an empty cluster too (a new cluster, or after the
    index was lost), once the repository's folder is in its nodes' path.repo.
    """
    with snapshot_errors(obj):
        done = restore_snapshot(
            obj.client(), obj.index, repository=repository, location=location, name=name
        )
    for alias, (old, new) in done.swaps.items():
        kept = f" ({old} kept)" if old else ""
        click.echo(f"alias {alias} -> {new}{kept}")
    if done.names_synced is not None:
        click.echo(f"{done.names_synced} entity names for suggestions synced")
    click.echo(f"restored {done.snapshot}: {done.docs} articles in {done.seconds:.1f}s")
