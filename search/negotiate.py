"""One answer, two forms: HTML for browsers, the API's JSON for `Accept: application/json`."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request

from search.models import ApiModel


def prefers_json() -> bool:
    """Whether the client ranks JSON above HTML (browsers send `text/html` first, or `*/*`)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def json_response(answer: ApiModel, status: int = 200) -> Response:
    """`answer` serialized as its model declares it (the API's JSON)."""
    # The trailing newline is what Flask's jsonify writes too.
    return Response(answer.to_json_bytes() + b"\n", status=status, mimetype="application/json")


def respond(answer: ApiModel, template: str, **context: Any) -> Response:
    """The page as HTML, or `answer` (exactly what the API answers) as JSON."""
    if prefers_json():
        response = json_response(answer)
    else:
        response = Response(render_template(template, **context), mimetype="text/html")
    # Caches must keep the two forms of one URL apart.
    response.vary.add("Accept")
    return response
