"""A filtered listing in Chromium: counts, heading and page links, wide and narrow."""

import pytest

from publications.views import PublicationListView
from tests.accessibility import axe_violations
from tests.factories import ago, make_author, make_related, make_report

FILTERED = "/publications/?type=special-report&topic=mediation"


@pytest.fixture
def catalogue(monkeypatch):
    """45 special reports on mediation among other items, five a page."""
    monkeypatch.setattr(PublicationListView, "paginate_by", 5)
    ann = make_author(name="Ann Author", slug="ann")
    for n in range(45):
        make_report(
            title=f"Local Mediation, Case {n + 1}",
            tags=["Mediation", "Sahel" if n % 2 else "Water"],
            authors=[ann],
            publish_at=ago(n * 20 + 1),
        )
    for n in range(6):
        make_related(title=f"Analysis {n}", tags=["Mediation"], publish_at=ago(n))
        make_report(title=f"Brief {n}", type_slug="peace-brief", tags=["Water"])


def test_filtered_listing_names_its_filters_counts_and_pages(
    browser, live_server, artifacts, catalogue
):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server.url + FILTERED)

            heading = page.locator("h1").inner_text()
            assert "Type: Special Report, Topic: Mediation" in heading
            assert page.title().startswith(
                "Publications — Type: Special Report, Topic: Mediation"
            )
            topics = page.locator('select[name="topic"] option').all_inner_texts()
            assert "Mediation (45)" in topics and "Water (23)" in topics
            types = page.locator('select[name="type"] option').all_inner_texts()
            assert "Special Report (45)" in types and "Analysis (6)" in types
            nav = page.get_by_role("navigation", name="Pages")
            assert nav.locator("li").all_inner_texts() == [
                "1", "2", "3", "…", "9", "Next →"
            ]  # fmt: skip
            assert nav.locator('[aria-current="page"]').inner_text() == "1"
            assert not page.evaluate(
                "document.documentElement.scrollWidth"
                " > document.documentElement.clientWidth"
            )
            page.screenshot(
                path=artifacts / f"listing-filtered-{width}.png", full_page=True
            )
            assert axe_violations(page) == []
    finally:
        context.close()
