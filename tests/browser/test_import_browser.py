"""An editor imports a file in the browser: upload, preview, confirm."""

from playwright.sync_api import expect

from publications.models import Report
from tests.accessibility import axe_violations
from tests.admin_pages import session_cookie
from tests.factories import make_report, make_series, make_user
from tests.imports import csv_file, row


def test_editor_previews_an_import_then_confirms_it(
    browser, live_server, artifacts, tmp_path
):
    series = make_series(title="Peace Series")
    make_report(slug="known", title="Mediating local conflicts", series=series)
    columns = (*row(), "authors", "series", "topics")
    path = tmp_path / "spring-list.csv"
    path.write_bytes(
        csv_file(
            [
                row(
                    slug="known",
                    title="Mediating local conflicts, revised",
                    status="live",
                    authors="Dana Default",
                    series="Peace Series",
                    topics="Mediation",
                    publish_date="2026-01-05T09:00:00+00:00",
                ),
                row(
                    slug="new-brief",
                    title="A new brief",
                    authors="Nia Newcomer",
                    topics="Sahel",
                ),
                row(
                    slug="odd",
                    title="Odd one",
                    series="Unknown series",
                    publish_date="5 May",
                ),
            ],
            columns=columns,
        )
    )
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.add_cookies([session_cookie(make_user(role="Editors"), live_server.url)])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + "/admin/publications/report/")
        with page.expect_navigation():
            page.get_by_role("link", name="Import publications").click()
        page.get_by_label("CSV or Excel file").set_input_files(path)
        with page.expect_navigation():
            page.get_by_role("button", name="Preview the import").click()
        expect(page.get_by_role("status").first).to_contain_text(
            "1 to create, 1 to change, 0 unchanged, 1 refused."
        )
        expect(page.get_by_role("alert")).to_contain_text("1 row is refused")
        expect(page.get_by_role("button", name="Import 3 rows")).to_have_count(0)
        page.screenshot(path=artifacts / "import-preview-refused.png", full_page=True)
        assert axe_violations(page) == []

        # Corrected: the refused row left out.
        path.write_bytes(path.read_bytes().rsplit(b"\r\nreport,", 1)[0] + b"\r\n")
        page.get_by_label("CSV or Excel file").set_input_files(path)
        with page.expect_navigation():
            page.get_by_role("button", name="Preview the import").click()
        expect(page.get_by_role("button", name="Import 2 rows")).to_be_visible()
        page.screenshot(path=artifacts / "import-preview.png", full_page=True)
        assert axe_violations(page) == []
        page.set_viewport_size({"width": 390, "height": 900})
        page.screenshot(path=artifacts / "import-preview-390.png", full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name="Import 2 rows").click()
        expect(page.locator(".messagelist")).to_contain_text(
            "Imported spring-list.csv: 1 created, 1 changed, 0 unchanged."
        )
    finally:
        context.close()
    assert (
        Report.objects.get(slug="known").title == "Mediating local conflicts, revised"
    )
