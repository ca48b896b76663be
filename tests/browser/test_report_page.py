"""The report page on a phone, wide and on paper, and axe on every page type.

Both tests read the demo content (load_demo), as a reader of the seed does.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.accessibility import BLOCKING_IMPACTS, axe_violations
from tests.factories import ensure_default_types

FLAGSHIP = "/publications/local-ceasefires-path-to-national-talks/"
# Where the Summary must start on a 390 px phone (issue #17): within the
# first screen and a bit, not after the contents list and the full cover.
SUMMARY_TOP_LIMIT = 900

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
PUBLIC_PAGES = {
    "home": "/",
    "listing": "/publications/",
    "search results": "/publications/?q=ceasefire",
    "report": FLAGSHIP,
    "related publication": "/publications/qa-what-a-ceasefire-monitor-does/",
    "topic index": "/topics/",
    "topic": "/topics/mediation/",
    "author index": "/authors/",
    "author": "/authors/helena-marsh/",
    "series index": "/series/",
    "series": "/series/mediation-in-practice/",
}


@pytest.fixture
def demo(transactional_db):
    ensure_default_types()  # an earlier live-server test flushed them
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


def _context(browser, **options):
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    return context


def _top(page, selector):
    return page.eval_on_selector(
        selector, "el => el.getBoundingClientRect().top + window.scrollY"
    )


def test_flagship_report_on_a_phone_wide_and_printed(
    browser, live_server, demo, artifacts
):
    context = _context(browser, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + FLAGSHIP)

    summary_top = _top(page, "#summary")
    print(f"Summary top at 390 px: {summary_top:.0f} px")
    assert summary_top <= SUMMARY_TOP_LIMIT
    # The cover follows the Summary; the contents list waits to be opened.
    assert _top(page, ".cover") > summary_top
    contents = page.locator(".toc a[href='#summary']")
    assert not contents.is_visible()
    page.get_by_text("On this page").click()
    expect(contents).to_be_visible()
    page.screenshot(path=artifacts / "flagship-390.png", full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    # Wide, the contents are open beside the text, and the cover leads it.
    assert contents.is_visible()
    assert _top(page, ".cover") < _top(page, "#summary")
    page.screenshot(path=artifacts / "flagship-1280.png", full_page=True)

    page.emulate_media(media="print")
    for hidden in (".cover", ".cite-downloads", ".toc", ".button-pdf"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(".citation").is_visible()
    printed_urls = page.locator(".related-url").all_inner_texts()
    assert printed_urls and all(url.startswith("http") for url in printed_urls)
    last_topic_suffix = page.eval_on_selector(
        "#topics .tags li:last-child a",
        "el => getComputedStyle(el, '::after').content",
    )
    assert last_topic_suffix in ("none", "normal")
    page.screenshot(path=artifacts / "flagship-print.png", full_page=True)
    context.close()


def test_every_public_page_type_passes_axe(browser, live_server, demo):
    # Folio's CSP refuses the injected axe script (tests/accessibility.py).
    context = _context(
        browser, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    failures = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(live_server.url + path)
        found = axe_violations(page, impacts=ALL_IMPACTS)
        # heading-order is "moderate" in axe; it counts here all the same.
        failing = [
            violation
            for violation in found
            if violation["id"] == "heading-order"
            or violation["impact"] in BLOCKING_IMPACTS
        ]
        if failing:
            failures[name] = failing
    context.close()
    assert failures == {}
