"""The news search service: a JSON API and HTML pages over Elasticsearch, on one code path.

Run it with `flask --app search run` or `gunicorn 'search:create_app()'`.
"""

from __future__ import annotations

import os

from elasticsearch import Elasticsearch
from flask import Flask

from search import api, commands, config, es, feed_views, health, ui
from search.config import Settings
from search.errors import register_error_handlers
from search.security import register_security_headers


def create_app(settings: Settings | None = None, *, client: Elasticsearch | None = None) -> Flask:
    """Build the app; settings default to the environment, the client to one made from them."""
    settings = settings or Settings.from_env(os.environ)
    app = Flask(__name__)
    # Non-ASCII names (Khāmenei, Zürich) stay readable in JSON instead of becoming \u escapes.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    # Keys in the order the API documents them (total first), not alphabetical.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # Templates are written for reading; keep block tags from leaving blank lines in the HTML.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    config.init_app(app, settings)
    es.init_app(app, client if client is not None else es.make_client(settings))
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_blueprint(ui.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(feed_views.bp)
    commands.init_app(app)
    register_error_handlers(app)
    register_security_headers(app)
    return app


__all__ = ["Settings", "create_app"]
