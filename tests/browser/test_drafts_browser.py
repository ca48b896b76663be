"""An editor sees an item's unpublished changes, previews and publishes them."""

import pytest
from django.test import Client

from publications.models import Report
from tests.admin_pages import admin_url, logged_in, open_form, session_cookie
from tests.factories import make_report, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_previews_and_publishes_unpublished_changes(
    page, live_server, artifacts
):
    report = make_report(title="Water report", slug="water", summary_points=["Dry"])
    contributor = logged_in(make_user(role="Contributors"))
    contributor.post(
        admin_url(report),
        open_form(contributor, admin_url(report), report)
        | {"title": "Water report, reviewed"},
    )
    page.context.add_cookies(
        [session_cookie(make_user(role="Editors"), live_server.url)]
    )

    page.goto(live_server.url + admin_url(report))

    notice = page.locator(".folio-unpublished-changes")
    assert "This item has unpublished changes." in notice.inner_text()
    assert page.input_value("#id_title") == "Water report, reviewed"
    page.screenshot(path=artifacts / "admin-unpublished-changes.png")
    with page.context.expect_page() as preview_opened:
        notice.get_by_role("link", name="Preview the changes").click()
    preview = preview_opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "Water report, reviewed"
    assert (
        "Unpublished changes, not public."
        in preview.locator(".preview-banner").inner_text()
    )
    preview.close()
    notice.get_by_role("link", name="Compare with the published version").click()
    row = page.locator(".folio-draft-changes tbody tr").first
    assert row.inner_text().split("\t") == [
        "Title",
        "Water report",
        "Water report, reviewed",
    ]
    page.screenshot(path=artifacts / "admin-unpublished-changes-compared.png")
    page.go_back()

    with page.expect_navigation():
        notice.get_by_role("button", name="Publish the saved changes").click()

    assert "Published: now live at" in page.locator(".messagelist").inner_text()
    assert page.locator(".folio-unpublished-changes").count() == 0
    assert Report.objects.get(pk=report.pk).title == "Water report, reviewed"
    assert (
        "Water report, reviewed"
        in Client().get("/publications/water/").content.decode()
    )
