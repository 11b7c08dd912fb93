"""The app's maintenance commands (`flask --app search <command>`)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from search.alert_pages import run_recompile
from search.config import get_settings
from search.es import get_es


@click.command("alerts-recompile")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Every saved search, not only the stale ones: their words' other spellings as the "
    "index knows them now.",
)
@with_appcontext
def recompile_command(every: bool) -> None:
    """Compile saved searches made by older search code again (after an upgrade)."""
    updated, refused = run_recompile(get_es(), get_settings(), every=every)
    click.echo(f"{updated} saved searches compiled again with the current search code")
    for alert_id in refused:
        click.echo(
            f"FAILED alert {alert_id}: its search is no longer valid; save it again", err=True
        )
    if refused:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    """Register the commands on `app`."""
    app.cli.add_command(recompile_command)
