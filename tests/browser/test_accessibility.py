"""axe-core finds no WCAG 2.1 A/AA or best-practice violation on any page.

axe-core is the npm package pinned in package-lock.json (`make test` installs it with `npm ci`);
its script is read from node_modules and evaluated in each page by the browser's DevTools
protocol, which the pages' Content-Security-Policy does not govern: the pages stay exactly as
served. Nothing is downloaded at test time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import API_KEY, _unavailable
from tests.conftest import REPO
from tests.integration.search.sample import SEED_ID

pytestmark = [pytest.mark.browser, pytest.mark.es]

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        _unavailable(f"no axe-core at {AXE} (run `make axe`: npm ci)")
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, axe_source: str) -> list[dict[str, object]]:
    """What axe-core finds on the page as it is now: one entry per rule, with the elements."""
    page.evaluate(axe_source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        TAGS,
    )
    return [
        {
            "id": found["id"],
            "help": found["help"],
            "nodes": [(n["target"], n.get("failureSummary")) for n in found["nodes"][:5]],
        }
        for found in result["violations"]
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=karabakh",
        "/?q=karabakh&location=Armenia&location=Iran&sort=newest&page=1&size=3",
        "/facets/location?query=karabakh",
        f"/articles/{SEED_ID}",
        "/entities/location/Armenia",
        "/alerts",
        "/alerts?q=karabakh&location=Armenia",
        "/articles/no-such-article",
    ],
)
def test_no_page_has_an_accessibility_violation(page: Page, axe_source: str, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    found = violations(page, axe_source)
    assert found == [], json.dumps(found, indent=1)


def test_the_alert_pages_after_saving_have_no_violation(page: Page, axe_source: str) -> None:
    page.goto("/alerts?q=ceasefire")
    page.fill("#alert-name", "Ceasefire")
    page.fill("#alert-key", API_KEY)
    page.click("text=Save alert")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Alert saved: Ceasefire"
    assert violations(page, axe_source) == []
    page.goto("/alerts")
    assert page.locator("table tbody tr").count() >= 1
    assert violations(page, axe_source) == []
    # A wrong key shows the form again with the error, still without a violation.
    page.goto("/alerts?q=ceasefire")
    page.fill("#alert-name", "Ceasefire")
    page.fill("#alert-key", "wrong-key")
    page.click("text=Save alert")
    assert page.locator(".form-error").is_visible()
    assert violations(page, axe_source) == []


def test_axe_itself_finds_a_planted_violation(page: Page, axe_source: str) -> None:
    """The check is live: an image without text is reported."""
    page.goto("/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in {v["id"] for v in violations(page, axe_source)}


def test_the_pinned_axe_is_the_one_installed() -> None:
    lock = json.loads((REPO / "package-lock.json").read_text())
    installed = json.loads((Path(AXE).parent / "package.json").read_text())
    assert installed["version"] == lock["packages"]["node_modules/axe-core"]["version"]
