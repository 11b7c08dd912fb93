"""The API key that writes to saved searches need: a header (or a form field), never a cookie.

The key is a credential the browser never sends by itself, so a page on another site cannot
make a visitor's browser write with it: there is no cross-site request forgery to defend
against, and no cookie or session at all. Keys are compared in constant time.
"""

from __future__ import annotations

import hmac

from search.config import Settings
from search.errors import AppError

KEY_HEADER = "X-API-Key"
# The UI's forms carry the key in this field (an HTML form cannot set a header).
KEY_FIELD = "api_key"
_CHALLENGE = {"WWW-Authenticate": f'ApiKey header="{KEY_HEADER}"'}


def key_matches(settings: Settings, given: str | None) -> bool:
    """Whether `given` is the configured key (never true when none is configured)."""
    if settings.api_key is None or not given:
        return False
    return hmac.compare_digest(given.encode(), settings.api_key.encode())


def require_key(settings: Settings, given: str | None) -> None:
    """Refuse with 401 unless `given` is the configured key."""
    if settings.api_key is None:
        raise AppError(
            401,
            "unauthorized",
            "writes need an API key and this service has none configured",
            headers=_CHALLENGE,
        )
    if not key_matches(settings, given):
        raise AppError(
            401,
            "unauthorized",
            f"a valid API key is needed in the {KEY_HEADER} header",
            headers=_CHALLENGE,
        )


def require_read_key(settings: Settings, given: str | None) -> None:
    """Refuse with 401 when reading saved searches needs the key and `given` is not it."""
    if settings.alerts_need_key_to_read:
        require_key(settings, given)
