"""The Elasticsearch client: made once per app, shared by all requests, not closed on teardown."""

from __future__ import annotations

from urllib.parse import urlsplit

import click
from elastic_transport import Urllib3HttpNode
from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import ConnectionTimeout as EsConnectionTimeout
from elasticsearch import Elasticsearch
from elasticsearch.serializer import OrjsonSerializer
from flask import Flask, current_app
from flask.cli import with_appcontext

from search.config import Settings
from search.http_node import PlainHttpNode
from search.lookup import LookupCache

EXTENSION_KEY = "es"
LOOKUP_CACHE_KEY = "lookup_cache"


def make_client(settings: Settings) -> Elasticsearch:
    """A client tuned to fail fast: an engine that is down must answer 503 within seconds.

    With a single node the transport's pool always hands back that node, even while it is
    marked dead, so the client reconnects by itself as soon as the engine is back
    (checked by tests/integration/search/test_engine_down.py).

    With several nodes (a comma-separated ES_URL) every setting below was chosen by
    bench/cluster_faults.py, which searches through the app continuously while a node is
    SIGKILLed (the master, then a node holding the primary) and while one is SIGSTOPped for
    30 s, side by side for each candidate (figures in README "Running on a cluster"), and
    checked by tests/cluster/test_node_loss.py.
    """
    basic_auth = None
    if settings.es_username is not None and settings.es_password is not None:
        basic_auth = (settings.es_username, settings.es_password)
    several = len(settings.es_urls) > 1
    # Plain http (every local and test engine) goes through the lean node; https keeps the
    # client's own node, which knows certificates.
    plain = all(urlsplit(url).scheme == "http" for url in settings.es_urls)
    return Elasticsearch(
        list(settings.es_urls),
        api_key=settings.es_api_key,
        basic_auth=basic_auth,
        request_timeout=settings.es_timeout,
        # One retry, on another node when there are several. Without it, every search caught
        # on a node as it died, or sent to it before the pool marked it dead, failed (14 of
        # ~600 in the bench); with it, none did. More retries lost nothing more.
        max_retries=1,
        # A hung node (SIGSTOP, a long GC) holds the request until the timeout; the retry then
        # goes to another node. With one node there is no other, and a retry would only double
        # the wait before the 503. ES cancels the abandoned search when the connection closes,
        # so the retry does not double the engine's work.
        retry_on_timeout=several,
        # A node marked dead is tried again after at most 5 s (default 30 s), so a restarted
        # node takes its share again soon; while a node hangs, each such try costs one
        # request a timeout and a retry, no failure.
        max_dead_node_backoff=5.0,
        # No sniffing: asking the cluster for its nodes (GET _nodes/_all/http) waits for every
        # node, a hung one too; the sniff then times out and marks the node that answered for
        # it dead. In the bench, 54 of 55 searches failed while one node was paused.
        # orjson reads a search's answer (~25 kB: hits, highlights, aggregations) about 3x
        # faster than the json module; per request, only the engine costs more
        # (bench/profile_app.py). The compatibility mimetype the client sends uses it too.
        serializers={"application/json": OrjsonSerializer()},
        # Sending a request and reading its answer cost urllib3 and http.client about 0.6 ms
        # of CPU per search, as much as the rest of the app; the node pool, retries and
        # backoff above are the transport's whichever node class does that last step.
        node_class=PlainHttpNode if plain else Urllib3HttpNode,
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
