"""The report change form in headless Chromium: editor and sortable inlines."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from publications.models import Report
from tests.factories import make_author, make_report, make_user

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.django_db(transaction=True)


def _skip_reason():
    if not os.path.exists(CHROMIUM):
        return f"admin browser test skipped: no Chromium at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "admin browser test skipped: Playwright for Python is not installed"
    return None


@pytest.fixture
def admin_page(live_server, client, monkeypatch):
    """Return a Chromium page logged in as an editor, and the JS errors seen."""
    if reason := _skip_reason():
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    client.force_login(make_user(role="Editors"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Playwright's sync API runs an event loop in this thread; the database
    # calls of the test stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
            ],  # fmt: skip
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session,
                    "url": live_server.url,
                }
            ]  # fmt: skip
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page, errors
        browser.close()


def _order(page, group):
    return page.eval_on_selector_all(
        f"#{group}-group tr.form-row:not(.empty-form) textarea",
        "fields => fields.map(field => field.value)",
    )


def test_editor_reorders_summary_points_by_drag_and_keyboard(admin_page, live_server):
    page, errors = admin_page
    report = make_report(
        summary_points=["A", "B", "C"],
        authors=[make_author(name="First"), make_author(name="Second")],
    )
    url = reverse("admin:publications_report_change", args=[report.pk])

    page.goto(live_server.url + url)
    ARTIFACTS.mkdir(exist_ok=True)
    rows = page.locator("#summary_points-group tr.form-row.has_original")
    rows.nth(2).locator(".folio-sort-handle").drag_to(
        rows.nth(0).locator(".folio-sort-handle")
    )
    assert _order(page, "summary_points") == ["C", "A", "B"]
    page.locator("#authorships-group .folio-sort-down").first.focus()
    page.keyboard.press("Enter")
    page.screenshot(path=ARTIFACTS / "admin-report-change-form.png", full_page=True)
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()

    report = Report.objects.get(pk=report.pk)
    assert [p.text for p in report.summary_points.all()] == ["C", "A", "B"]
    assert [a.author.name for a in report.authorships.select_related("author")] == [
        "Second",
        "First",
    ]
    assert page.locator(".prose-editor").count() == 2  # about and body
    assert errors == []
