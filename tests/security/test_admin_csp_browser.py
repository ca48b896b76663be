"""The report change form under the Content-Security-Policy, in Chromium.

The rich-text editor, the drag handles and the keyboard reordering of the
sortable inlines all work, and the browser reports no CSP violation.
"""

import pytest
from django.urls import reverse

from publications.models import Report
from tests.factories import make_author, make_report, make_user
from tests.security.browser import csp_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _order(page, group):
    return page.eval_on_selector_all(
        f"#{group}-group tr.form-row:not(.empty-form) textarea",
        "fields => fields.map(field => field.value)",
    )


def test_change_form_editor_and_sortable_inlines_work_without_csp_violations(
    open_page, live_server, artifacts
):
    report = make_report(
        summary_points=["A", "B", "C"],
        authors=[make_author(name="First"), make_author(name="Second")],
    )
    page, log = open_page(make_user(role="Editors"))

    response = page.goto(
        live_server.url + reverse("admin:publications_report_change", args=[report.pk])
    )
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    assert (
        "unsafe-inline"
        not in response.headers["content-security-policy"]
        .split("script-src")[1]
        .split(";")[0]
    )
    body = page.locator(".field-body .tiptap[contenteditable=true]")
    body.click()
    page.keyboard.press("Control+B")
    page.keyboard.type("Bold words")
    page.keyboard.press("Control+B")
    page.keyboard.type(" and plain ones.")
    rows = page.locator("#summary_points-group tr.form-row.has_original")
    rows.nth(2).locator(".folio-sort-handle").drag_to(
        rows.nth(0).locator(".folio-sort-handle")
    )
    assert _order(page, "summary_points") == ["C", "A", "B"]
    page.locator("#authorships-group .folio-sort-down").first.focus()
    page.keyboard.press("Enter")
    assert page.locator(".prose-editor").count() == 2  # about and body
    assert csp_violations(page) == []
    page.screenshot(path=artifacts / "admin-report-change-form.png", full_page=True)
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()

    report = Report.objects.get(pk=report.pk)
    assert "<strong>Bold words</strong> and plain ones." in report.body
    assert [p.text for p in report.summary_points.all()] == ["C", "A", "B"]
    assert [a.author.name for a in report.authorships.select_related("author")] == [
        "Second",
        "First",
    ]
    assert page.locator(".messagelist .success").count() == 1
    assert csp_violations(page) == []
    assert log.csp_messages() == []
    assert log.errors == []
