"""The search UI in headless Chromium: suggestions, facets, history, no-JS use, and escaping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.integration.search.sample import SEED_ID, XSS_ID

pytestmark = [pytest.mark.es, pytest.mark.browser]

SEED_TITLE = "Republic of Azerbaijan appreciates Ayatollah Khamenei stance on Karabakh conflict"


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def mark_document(page: Page) -> None:
    """Tag the current document, so a later check can tell whether the page was reloaded."""
    page.evaluate("window.__sameDocument = true")


def same_document(page: Page) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def facet_link(page: Page, facet: str, value: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#values-{facet} a[data-focus-key='{facet}:{value}']")


@pytest.fixture
def no_js_page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Messages of any alert a page opens: an executed XSS payload would open one."""
    opened: list[str] = []

    def record(dialog) -> None:  # type: ignore[no-untyped-def]
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def test_the_pages_work_under_the_content_security_policy(page: Page) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for path in ("/?q=Karabakh", f"/articles/{SEED_ID}", "/facets/location", "/no-such-page"):
        response = page.goto(path)
        assert response is not None
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
    # The script runs (suggestions appear) and the timeline bars keep their heights.
    page.goto("/?q=Karabakh")
    heights = page.locator(".timeline .bars a").evaluate_all(
        "bars => bars.map(bar => bar.getBoundingClientRect().height)"
    )
    # The tallest bar fills the chart; bars are not all drawn at the 3 px minimum.
    assert max(heights) > 10
    page.goto("/")
    page.get_by_role("combobox", name="Search the news").press_sequentially("khamen", delay=30)
    expect(page.get_by_role("option").first).to_be_visible()
    assert violations == []


def test_typing_shows_suggestions_and_the_keyboard_picks_one(page: Page) -> None:
    page.goto("/")
    box = page.get_by_role("combobox", name="Search the news")
    box.press_sequentially("khamen", delay=30)
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("option", name=re.compile("Ali Khamenei"))).to_be_visible()
    expect(page.get_by_role("option", name=re.compile("Azerbaijan appreciates"))).to_be_visible()

    # Esc closes the list; arrow keys reopen it and move through the options.
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    box.press("ArrowDown")
    expect(options.first).to_be_visible()
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")

    # Enter on a person filters the search by that person.
    mark_document(page)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"person=Ali\+Khamenei"))
    expect(page.locator(".chips")).to_contain_text("Ali Khamenei")
    assert same_document(page)


def test_picking_a_title_opens_the_article(page: Page) -> None:
    page.goto("/")
    page.get_by_role("combobox").press_sequentially("republic of azer", delay=20)
    page.get_by_role("option", name=re.compile("Republic of Azerbaijan")).click()
    expect(page).to_have_url(re.compile(f"/articles/{SEED_ID}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)


def test_results_update_while_typing_without_a_reload(page: Page) -> None:
    page.goto("/")
    mark_document(page)
    page.get_by_role("combobox").press_sequentially("Lachin", delay=20)
    expect(page.locator(".hit h2")).to_have_count(1)
    expect(page.locator(".hit h2").first).to_contain_text("Lachin")
    expect(page).to_have_url(re.compile(r"\?q=Lachin$"))
    assert same_document(page)


def test_selecting_facets_updates_results_and_url_and_back_restores_them(
    page: Page, screenshot_dir: Path
) -> None:
    page.goto("/?q=Karabakh")
    total = page.locator(".summary strong")
    expect(total).to_have_text("5")
    mark_document(page)

    facet_link(page, "location", "Iran").click()
    expect(page).to_have_url(re.compile(r"location=Iran"))
    expect(total).to_have_text("2")
    # OR within a facet: adding Georgia can only widen; the other places kept their counts.
    expect(facet_link(page, "location", "Armenia")).to_contain_text("5")
    facet_link(page, "person", "Ilham Aliyev").click()
    expect(page).to_have_url(re.compile(r"person=Ilham\+Aliyev"))
    expect(total).to_have_text("1")
    assert query_of(page) == {"q": ["Karabakh"], "location": ["Iran"], "person": ["Ilham Aliyev"]}
    # Focus stays on the value just chosen, for keyboard users.
    expect(facet_link(page, "person", "Ilham Aliyev")).to_be_focused()
    page.screenshot(path=str(screenshot_dir / "search-filtered.png"), full_page=True)
    assert same_document(page)

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=Karabakh&location=Iran$"))
    expect(total).to_have_text("2")
    expect(page.locator("#values-person li.selected")).to_have_count(0)
    page.go_back()
    expect(total).to_have_text("5")
    expect(page.locator(".chips")).to_have_count(0)
    page.go_forward()
    expect(total).to_have_text("2")
    expect(page.get_by_role("combobox")).to_have_value("Karabakh")
    assert same_document(page)


def test_the_timeline_narrows_the_dates_and_the_sort_links_reorder(page: Page) -> None:
    page.goto("/?q=Karabakh")
    bars = page.locator(".timeline .bars a")
    expect(bars.first).to_be_visible()
    bars.first.click()
    expect(page).to_have_url(re.compile(r"from=2020-10-01&to=2020-10-31"))
    expect(page.locator(".chips")).to_contain_text("2020-10-01")
    page.get_by_role("link", name="Oldest").click()
    expect(page).to_have_url(re.compile(r"sort=oldest"))


def test_the_page_works_with_javascript_disabled(no_js_page: Page) -> None:
    page = no_js_page
    page.goto("/")
    expect(page.locator(".summary strong")).to_have_text("11")
    page.get_by_role("combobox").fill("Karabakh")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?q=Karabakh"))
    expect(page.locator(".summary strong")).to_have_text("5")
    facet_link(page, "location", "Iran").click()
    expect(page.locator(".summary strong")).to_have_text("2")
    # The date form keeps the facet selection and the words.
    page.get_by_label("From").fill("2020-11-01")
    page.get_by_role("button", name="Apply").click()
    assert query_of(page) == {"q": ["Karabakh"], "location": ["Iran"], "from": ["2020-11-01"]}
    expect(page.locator(".summary strong")).to_have_text("1")
    # A facet's "find" form goes to its values page.
    page.goto("/?expand=location")
    page.get_by_placeholder("Find a place…").fill("ar")
    page.get_by_placeholder("Find a place…").press("Enter")
    expect(page).to_have_url(re.compile(r"/facets/location\?"))
    expect(page.locator("#values-location a").first).to_contain_text("Armenia")
    page.locator("#values-location a").first.click()
    expect(page).to_have_url(re.compile(r"location=Armenia"))


def test_an_xss_payload_in_an_article_or_the_query_shows_as_text(
    page: Page, dialogs: list[str]
) -> None:
    page.goto(f"/articles/{XSS_ID}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("<script>alert(1)</script>")
    expect(page.locator("article")).to_contain_text("<img src=x onerror=alert(1)>")
    page.goto("/?q=portal")
    expect(page.locator(".hit h2").first).to_contain_text("<script>alert(1)</script>")
    payload = '"><img src=x onerror=alert(2)><script>alert(3)</script>'
    page.goto("/")
    page.get_by_role("combobox").fill(payload)
    page.get_by_role("combobox").press("Enter")
    expect(page.get_by_role("combobox")).to_have_value(payload)
    page.goto("/?q=" + payload.replace("&", "%26").replace("#", "%23"))
    expect(page).to_have_title(re.compile(re.escape(payload)))
    page.goto("/facets/person?q=" + payload.replace("#", "%23"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(payload)
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []


def test_a_facet_finder_filters_values_in_place(page: Page) -> None:
    page.goto("/?expand=location")
    mark_document(page)
    values = page.locator("#values-location li")
    everything = values.count()
    assert everything > 10
    finder = page.get_by_placeholder("Find a place…")
    finder.press_sequentially("arm", delay=30)
    expect(values).to_have_count(1)
    expect(values).to_contain_text("Armenia")
    for _ in "arm":
        finder.press("Backspace")
    expect(values).to_have_count(everything)
    assert same_document(page)


def test_a_mention_in_the_article_filters_the_search(page: Page) -> None:
    page.goto(f"/articles/{SEED_ID}")
    page.locator("article a.entity.person", has_text="Khalaf Khalafov").first.click()
    expect(page).to_have_url(re.compile(r"/\?person=Khalaf\+Khalafov$"))
    expect(page.locator(".hit h2").first).to_have_text(SEED_TITLE)


def test_keyboard_focus_is_visible(page: Page) -> None:
    page.goto("/?q=Karabakh")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_screenshots_of_home_search_and_article_at_desktop_and_phone_width(
    browser: Browser, base_url: str, screenshot_dir: Path
) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(base_url=base_url, viewport=viewport)
        page = context.new_page()
        page.goto("/")
        expect(page.locator(".hit").first).to_be_visible()
        page.screenshot(path=str(screenshot_dir / f"home-{name}.png"))
        page.goto("/?q=Karabakh&location=Armenia&person=Ilham+Aliyev&sort=newest")
        page.screenshot(path=str(screenshot_dir / f"search-{name}.png"), full_page=True)
        page.goto("/")
        page.get_by_role("combobox").press_sequentially("arme", delay=20)
        expect(page.get_by_role("option").first).to_be_visible()
        page.screenshot(path=str(screenshot_dir / f"suggestions-{name}.png"))
        page.goto(f"/articles/{SEED_ID}")
        page.screenshot(path=str(screenshot_dir / f"article-{name}.png"), full_page=True)
        # Nothing may overflow the viewport sideways, phones included.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"]
        context.close()
    for name in ("home", "search", "article"):
        assert (screenshot_dir / f"{name}-desktop.png").stat().st_size > 10_000


CONTRAST = """
(selectors) => {
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.match(/[0-9.]+/g).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const color = getComputedStyle(e).backgroundColor;
      if (!color.startsWith("rgba(0, 0, 0, 0)") && color !== "transparent") return color;
    }
    return "rgb(255, 255, 255)";
  };
  return selectors.map((selector) => {
    const element = document.querySelector(selector);
    const [a, b] = [luminance(getComputedStyle(element).color), luminance(background(element))];
    return [selector, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}
"""


def test_text_has_enough_contrast(page: Page) -> None:
    page.goto("/?q=Karabakh&location=Armenia")
    selectors = [
        ".summary",
        ".took",
        ".hit h2 a",
        ".hit .meta",
        ".snippet",
        ".snippet mark",
        ".entities",
        ".facet h2",
        ".facet .count",
        ".facet .value",
        ".sorts a",
        ".chips .chip-label",
        ".timeline figcaption",
        ".pagination, .colophon",
        ".search-tips summary",
    ]
    ratios = dict(page.evaluate(CONTRAST, selectors))
    # WCAG 2.1 AA: 4.5:1 for normal text.
    assert {selector: ratio for selector, ratio in ratios.items() if ratio < 4.5} == {}
