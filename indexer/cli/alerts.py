"""`python -m indexer alerts run [--every 10m]`: the alerts checker; the run is indexer.alerts."""

from __future__ import annotations

import re
import sys
import time
from datetime import timedelta

import click

from indexer.alerts.run import DEFAULT_BATCH, CheckOptions, CheckReport, check_alerts
from indexer.alerts.state import LeaseTakenError
from indexer.alerts.webhook import WebhookOptions
from indexer.cli.common import Context, engine_errors
from outbound.policy import AddressPolicy

_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(s|m|h)?")
_UNITS = {"s": 1, "m": 60, "h": 3600}


class Duration(click.ParamType):  # type: ignore[type-arg]
    """A duration: `30s`, `10m`, `1h` (seconds without a unit)."""

    name = "duration"

    def convert(self, value: object, param: click.Parameter | None, ctx: object) -> timedelta:
        """`value` as a timedelta."""
        if isinstance(value, timedelta):
            return value
        found = _DURATION.fullmatch(str(value).strip())
        if not found:
            self.fail(f"{value!r} is not a duration such as 30s, 10m or 1h", param, None)
        return timedelta(seconds=float(found[1]) * _UNITS[found[2] or "s"])


@click.group("alerts")
def alerts_group() -> None:
    """Saved searches and their alerts (the search service creates them)."""


@alerts_group.command("run")
@click.option("--every", type=Duration(), default=None, help="Run again after this long, forever.")
@click.option(
    "--overlap",
    type=Duration(),
    default="5m",
    show_default=True,
    help="How far before the last run's watermark to look again (write delay + refresh).",
)
@click.option("--batch", default=DEFAULT_BATCH, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--allow-private-webhooks",
    is_flag=True,
    help="Let webhooks reach loopback and private addresses (never the engine's own).",
)
@click.option("--webhook-timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 120))
@click.option("--tries", default=3, show_default=True, type=click.IntRange(1, 10), help="Per run.")
@click.option(
    "--retry-delay",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.0, 600),
    help="Seconds before the second try; doubles after each.",
)
@click.option(
    "--concurrency",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Alerts whose webhooks are called side by side.",
)
@click.option(
    "--site-url",
    envvar="SITE_URL",
    default=None,
    help="The search service's public address, for article links in webhook payloads.",
)
@click.pass_obj
def run_command(
    obj: Context,
    every: timedelta | None,
    overlap: timedelta,
    batch: int,
    allow_private_webhooks: bool,
    webhook_timeout: float,
    tries: int,
    retry_delay: float,
    concurrency: int,
    site_url: str | None,
) -> None:
    """Find the articles new to each saved search and deliver each match once."""
    policy = AddressPolicy.refusing(
        [obj.es_url],
        allow_private=allow_private_webhooks,
        hint="pass --allow-private-webhooks to allow it",
    )
    options = CheckOptions(
        overlap=overlap,
        batch=batch,
        webhooks=WebhookOptions(
            policy=policy,
            timeout=webhook_timeout,
            tries_per_run=tries,
            retry_delay=retry_delay,
            site_url=site_url,
            concurrency=concurrency,
        ),
    )
    if every is None:
        report = _run_once(obj, options)
        if report is not None and not report.ok:
            sys.exit(1)
        return
    while True:
        started = time.monotonic()
        try:
            _run_once(obj, options)
        except click.ClickException as exc:
            # The loop outlives an engine that is away for a while: the next run catches up.
            click.echo(f"run failed: {exc.format_message()}", err=True)
        time.sleep(max(0.0, every.total_seconds() - (time.monotonic() - started)))


def _run_once(obj: Context, options: CheckOptions) -> CheckReport | None:
    """One run, its lines printed; None when another checker holds the lease."""
    with engine_errors(obj):
        try:
            report = check_alerts(obj.client(), obj.index, options)
        except LeaseTakenError as exc:
            click.echo(f"skipped: {exc}", err=True)
            return None
    for alert_id in report.unreadable:
        click.echo(f"FAILED alert {alert_id}: its stored document cannot be read", err=True)
    for alert_id in sorted(report.failed_alerts):
        click.echo(
            f"FAILED alert {alert_id}: search or recording failed; retried next run", err=True
        )
    click.echo(report.summary())
    return report
