"""Settings for the search service, read once from the environment and passed into the factory."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app

from articles import INDEX_ALIAS
from search.params import MAX_RESULT_WINDOW
from search.sampling import DEFAULT_SAMPLE

# A sample this large costs about what exact counts cost anyway.
MAX_FACET_SAMPLE = 1_000_000
# A key anyone could guess in a few tries protects nothing.
MIN_API_KEY_LENGTH = 16


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


def split_urls(text: str) -> tuple[str, ...]:
    """The engine URLs of a comma-separated ES_URL, in order (several: the nodes of a cluster)."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the search service needs to know about its environment."""

    # One URL, or several separated by commas: nodes of one cluster, tried in turn (search/es.py).
    es_url: str = "http://127.0.0.1:9200"
    es_api_key: str | None = None
    es_username: str | None = None
    es_password: str | None = None
    index_alias: str = INDEX_ALIAS
    # Seconds per request to Elasticsearch. Kept short so that an engine which is down
    # answers 503 quickly instead of holding the visitor's request open.
    es_timeout: float = 3.0
    page_size: int = 10
    max_page_size: int = 100
    # The key that writes to saved searches need (header X-API-Key, or the UI form's field);
    # without one, every write is refused.
    api_key: str | None = None
    # Whether reading saved searches (list, one, their feeds) needs the key too.
    alerts_need_key_to_read: bool = False
    # Whether webhooks may target loopback and private addresses (tests, a private network).
    # The engine's own address is refused even then.
    allow_private_webhooks: bool = False
    # Hits whose facets are counted when a search in a large index matches many more: the
    # counts of larger result sets are estimates (search/sampling.py). 0: always exact.
    facet_sample: int = DEFAULT_SAMPLE

    def __post_init__(self) -> None:
        urls = [urlsplit(url) for url in self.es_urls]
        if not urls or any(u.scheme not in ("http", "https") or not u.hostname for u in urls):
            raise SettingsError(
                "ES_URL must be an http(s) URL such as http://127.0.0.1:9200, "
                "or several separated by commas"
            )
        if (self.es_username is None) != (self.es_password is None):
            raise SettingsError("ES_USERNAME and ES_PASSWORD must be set together")
        if self.es_api_key is not None and self.es_username is not None:
            raise SettingsError("set either ES_API_KEY or ES_USERNAME/ES_PASSWORD, not both")
        if not self.index_alias or self.index_alias != self.index_alias.strip():
            raise SettingsError("INDEX_ALIAS must be a non-empty name without surrounding spaces")
        if not (math.isfinite(self.es_timeout) and 0 < self.es_timeout <= 60):
            raise SettingsError("ES_TIMEOUT must be a number of seconds between 0 and 60")
        if not 1 <= self.max_page_size <= MAX_RESULT_WINDOW:
            raise SettingsError(f"MAX_PAGE_SIZE must be between 1 and {MAX_RESULT_WINDOW}")
        if not 1 <= self.page_size <= self.max_page_size:
            raise SettingsError("PAGE_SIZE must be between 1 and MAX_PAGE_SIZE")
        if not 0 <= self.facet_sample <= MAX_FACET_SAMPLE:
            raise SettingsError(f"FACET_SAMPLE must be between 0 and {MAX_FACET_SAMPLE:,}")
        if self.api_key is not None and len(self.api_key) < MIN_API_KEY_LENGTH:
            raise SettingsError(f"API_KEY must be at least {MIN_API_KEY_LENGTH} characters")

    @property
    def es_urls(self) -> tuple[str, ...]:
        """Every engine URL of ES_URL."""
        return split_urls(self.es_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read settings from environment variables; unset or empty ones keep their defaults.

        Raises SettingsError naming the variable when a value is malformed.
        """

        def text(name: str) -> str | None:
            value = environ.get(name, "").strip()
            return value or None

        def number(name: str, parse: type[int] | type[float], default: int | float) -> float:
            raw = text(name)
            if raw is None:
                return default
            try:
                return parse(raw)
            except ValueError:
                kind = "an integer" if parse is int else "a number"
                raise SettingsError(f"{name} must be {kind}") from None

        def flag(name: str) -> bool:
            return (text(name) or "").lower() in ("1", "true", "yes")

        defaults = cls()
        return cls(
            es_url=text("ES_URL") or defaults.es_url,
            es_api_key=text("ES_API_KEY"),
            es_username=text("ES_USERNAME"),
            # Passwords are taken verbatim: surrounding spaces may be part of them.
            es_password=environ.get("ES_PASSWORD") or None,
            index_alias=text("INDEX_ALIAS") or defaults.index_alias,
            es_timeout=float(number("ES_TIMEOUT", float, defaults.es_timeout)),
            page_size=int(number("PAGE_SIZE", int, defaults.page_size)),
            max_page_size=int(number("MAX_PAGE_SIZE", int, defaults.max_page_size)),
            # Taken verbatim like a password.
            api_key=environ.get("API_KEY") or None,
            alerts_need_key_to_read=flag("ALERTS_READ_NEEDS_KEY"),
            allow_private_webhooks=flag("ALLOW_PRIVATE_WEBHOOKS"),
            facet_sample=int(number("FACET_SAMPLE", int, defaults.facet_sample)),
        )


def init_app(app: Flask, settings: Settings) -> None:
    """Attach `settings` to `app` so views can read them back with `get_settings()`."""
    app.extensions["search.settings"] = settings


def get_settings() -> Settings:
    """The settings of the app handling the current request."""
    settings: Settings = current_app.extensions["search.settings"]
    return settings
