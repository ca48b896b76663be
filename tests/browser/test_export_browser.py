"""An exporter ticks "With content" on the export page and downloads a CSV."""

import csv

from playwright.sync_api import expect

from tests.admin_pages import session_cookie
from tests.factories import make_report, make_user


def test_exporter_downloads_a_csv_with_content(browser, live_server, artifacts):
    make_report(slug="complete", summary_points=("One.", "Two."))
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.add_cookies([session_cookie(make_user(role="Exporters"), live_server.url)])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + "/admin/publications/export/")
        box = page.get_by_label("With content")
        expect(box).not_to_be_checked()
        box.check()
        page.screenshot(path=artifacts / "export-with-content.png", full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download CSV").click()
        path = download.value.path()
        with open(path, encoding="utf-8-sig", newline="") as handle:
            [row] = list(csv.DictReader(handle))
    finally:
        context.close()
    assert row["slug"] == "complete"
    assert row["summary_points"] == "One.\nTwo."
