"""The HTML pages against a real Elasticsearch: results, facets, pagination, and escaping."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.integration.search.sample import SEED_ID, XSS_ID

pytestmark = pytest.mark.es

RAW_PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


def page(client: FlaskClient, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "text/html"
    html: str = answer.get_data(as_text=True)
    return html


def test_the_search_page_renders_results_facets_and_pagination(client: FlaskClient) -> None:
    html = page(client, "/?q=Karabakh&location=Armenia&size=2")
    assert "<mark>Karabakh</mark>" in html
    assert "1\u20132 of" in html
    assert "<strong>5</strong> articles" in html
    # Facet sidebar with counts and a checked, removable selection.
    assert 'class="selected"' in html
    assert 'href="/?q=Karabakh&amp;location=Armenia&amp;location=Iran&amp;size=2"' in html
    assert 'href="/?q=Karabakh&amp;size=2"' in html
    # Pagination: the current page, numbered links and next.
    assert '<span class="current" aria-current="page">1</span>' in html
    assert 'href="/?q=Karabakh&amp;location=Armenia&amp;page=3&amp;size=2"' in html
    assert 'rel="next"' in html


def test_an_empty_query_lists_every_article_with_an_excerpt(client: FlaskClient) -> None:
    html = page(client, "/")
    assert "<strong>11</strong> articles" in html
    assert html.count('class="snippet"') == 10


def test_the_search_page_escapes_stored_html(client: FlaskClient) -> None:
    for path in ("/?q=portal", "/", "/?q=Yerevan&sort=newest", f"/articles/{XSS_ID}"):
        html = page(client, path)
        for payload in RAW_PAYLOADS:
            assert payload not in html, path
        assert "&lt;script&gt;alert(1)" in html, path
        assert "javascript:" not in html, path


def test_a_highlighted_match_in_stored_html_stays_escaped(client: FlaskClient) -> None:
    html = page(client, "/?q=portal")
    assert "&lt;script&gt;alert(1)&lt;&#x2F;script&gt; news <mark>portal</mark>" in html


def test_the_article_page_lists_entities_as_search_links(client: FlaskClient) -> None:
    html = page(client, f"/articles/{SEED_ID}")
    assert (
        "Republic of Azerbaijan appreciates Ayatollah Khamenei stance on Karabakh conflict" in html
    )
    assert 'href="/?person=Khalaf+Khalafov"' in html
    assert 'href="/?location=Nagorno-Karabakh"' in html
    assert 'href="/?organization=OSCE+Minsk+Group"' in html


def test_an_unknown_article_page_is_a_404_page(client: FlaskClient) -> None:
    answer = client.get("/articles/no-such-article")
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"
