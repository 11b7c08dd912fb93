"""Browser fixtures: the real app on a loopback port over a fixture index, and headless Chromium.

Chromium is Debian's package (`apt-get install chromium`), driven by Playwright for Python
through `executable_path`; Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from articles import concrete_index_name, index_body
from search import create_app
from search.config import Settings
from tests.conftest import REPO, _engine_required
from tests.integration.search.sample import load_sample
from tests.support import delete_indices

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = REPO / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
# The key the alerts page's forms are filled in with.
API_KEY = "browser-test-key-0123456789"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_alias(es: Elasticsearch) -> Iterator[str]:
    """The sample articles behind a fresh alias, for the whole browser session."""
    alias = f"test-articles-{uuid.uuid4().hex[:12]}"
    es.indices.create(index=concrete_index_name(alias), **index_body(), aliases={alias: {}})
    load_sample(es, alias)
    yield alias
    delete_indices(es, alias)


@contextmanager
def served(es_url: str, alias: str) -> Iterator[str]:
    """The app over `alias`, served by werkzeug on a free loopback port; its base URL."""
    app = create_app(Settings(es_url=es_url, index_alias=alias, api_key=API_KEY))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(es_url: str, browser_alias: str) -> Iterator[str]:
    """The app served by werkzeug on a free loopback port, as a browser reaches it."""
    with served(es_url, browser_alias) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium under Playwright; skipped (failed on CI) when it is missing."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        # Root (as on CI) cannot use Chromium's sandbox; the pages are our own, on loopback.
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


def _unavailable(reason: str) -> None:
    if _engine_required():
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def desktop_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh desktop-sized page with JavaScript on, in a context of its own."""
    context = browser.new_context(base_url=base_url, viewport=DESKTOP)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh desktop-sized page with JavaScript on."""
    with desktop_page(browser, base_url) as fresh:
        yield fresh


@pytest.fixture
def screenshot_dir() -> Path:
    """Where screenshots are kept as test artifacts (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
