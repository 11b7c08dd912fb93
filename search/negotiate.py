"""One payload, two forms: HTML for browsers, the API's JSON for `Accept: application/json`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify, render_template, request


def prefers_json() -> bool:
    """Whether the client ranks JSON above HTML (browsers send `text/html` first, or `*/*`)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def respond(payload: Mapping[str, Any], template: str, **context: Any) -> Response:
    """The page as HTML, or `payload` (exactly what the API answers) as JSON."""
    if prefers_json():
        response = jsonify(payload)
    else:
        response = Response(render_template(template, **context), mimetype="text/html")
    # Caches must keep the two forms of one URL apart.
    response.vary.add("Accept")
    return response
