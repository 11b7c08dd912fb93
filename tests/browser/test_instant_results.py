"""Results while typing a name, in headless Chromium over the name-variants newsroom."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from playwright.sync_api import Browser, Page, expect

from articles import concrete_index_name, index_body
from tests.browser.conftest import desktop_page, served
from tests.integration.search.name_variants import ABOUT_ROUHANI, load_name_variants
from tests.support import delete_indices

pytestmark = [pytest.mark.es, pytest.mark.browser]


@pytest.fixture(scope="module")
def newsroom_url(es: Elasticsearch, es_url: str) -> Iterator[str]:
    """The app over the name-variants articles (tests/integration/search/name_variants.py)."""
    alias = f"test-articles-typing-{uuid.uuid4().hex[:12]}"
    es.indices.create(index=concrete_index_name(alias), **index_body(), aliases={alias: {}})
    try:
        load_name_variants(es, alias)
        with served(es_url, alias) as url:
            yield url
    finally:
        delete_indices(es, alias)


@pytest.fixture
def newsroom(browser: Browser, newsroom_url: str) -> Iterator[Page]:
    with desktop_page(browser, newsroom_url) as page:
        yield page


def test_typing_the_first_letters_of_a_name_shows_articles_about_that_person_first(
    newsroom: Page,
) -> None:
    newsroom.goto("/")
    newsroom.evaluate("window.__sameDocument = true")
    newsroom.get_by_role("combobox", name="Search the news").press_sequentially("Rouh", delay=40)
    # The results update in place once the typing pauses, for the word still unfinished.
    expect(newsroom).to_have_url(re.compile(r"\?q=Rouh$"))
    titles = newsroom.locator(".hit h2")
    expect(titles).to_have_count(min(10, len(ABOUT_ROUHANI)))
    for title in titles.all():
        expect(title).to_contain_text("Rouhani")
    # The name is marked where it begins with what was typed.
    expect(newsroom.locator(".hit h2 mark").first).to_have_text("Rouhani")
    assert newsroom.evaluate("window.__sameDocument === true")
    # The page's feed (what a reader subscribes to) follows the results typed into place.
    feed = newsroom.locator("link[rel='alternate'][type='application/atom+xml']")
    expect(feed).to_have_attribute("href", re.compile(r"/feeds/search\.atom\?(.*&)?q=Rouh(&|$)"))
