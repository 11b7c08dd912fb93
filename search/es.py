"""The Elasticsearch client: made once per app, shared by all requests, not closed on teardown."""

from __future__ import annotations

import click
from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import ConnectionTimeout as EsConnectionTimeout
from elasticsearch import Elasticsearch
from flask import Flask, current_app
from flask.cli import with_appcontext

from search.config import Settings
from search.lookup import LookupCache

EXTENSION_KEY = "es"
LOOKUP_CACHE_KEY = "lookup_cache"


def make_client(settings: Settings) -> Elasticsearch:
    """A client tuned to fail fast: an engine that is down must answer 503 within seconds.

    With a single node the transport's pool always hands back that node, even while it is
    marked dead, so the client reconnects by itself as soon as the engine is back
    (checked by tests/integration/search/test_engine_down.py).
    """
    basic_auth = None
    if settings.es_username is not None and settings.es_password is not None:
        basic_auth = (settings.es_username, settings.es_password)
    return Elasticsearch(
        settings.es_url,
        api_key=settings.es_api_key,
        basic_auth=basic_auth,
        request_timeout=settings.es_timeout,
        # One quick retry covers a dropped keep-alive connection; more would only delay the 503.
        max_retries=1,
        # A timed-out search still runs on the engine: a retry doubles both the wait and the load.
        retry_on_timeout=False,
        # With several nodes, one marked dead is tried again after at most 5 s (default 30 s).
        max_dead_node_backoff=5.0,
    )


def init_app(app: Flask, client: Elasticsearch) -> None:
    """Store the long-lived `client` on `app`, with a cache of what the index knows of words
    (search/lookup.py), and register the `es-ping` command."""
    app.extensions[EXTENSION_KEY] = client
    app.extensions[LOOKUP_CACHE_KEY] = LookupCache()
    app.cli.add_command(ping_command)


def get_es() -> Elasticsearch:
    """The client of the app handling the current request."""
    client: Elasticsearch = current_app.extensions[EXTENSION_KEY]
    return client


def get_lookup_cache() -> LookupCache:
    """The lookup cache of the app handling the current request."""
    cache: LookupCache = current_app.extensions[LOOKUP_CACHE_KEY]
    return cache


@click.command("es-ping")
@with_appcontext
def ping_command() -> None:
    """Check that Elasticsearch answers, and print the cluster status."""
    try:
        health = get_es().cluster.health()
    except (EsConnectionError, EsConnectionTimeout) as exc:
        raise click.ClickException(f"Elasticsearch does not answer: {exc}") from exc
    click.echo(f"Elasticsearch answers: cluster {health['cluster_name']} is {health['status']}")
