"""Two people in Chromium: a contributor's change to a live report goes out
only once an editor has reviewed and published it."""

import pytest
from django.core import mail
from django.test import Client

from publications.models import Report
from tests.accessibility import axe_violations
from tests.admin_pages import admin_url, session_cookie
from tests.factories import make_report, make_user

pytestmark = pytest.mark.django_db(transaction=True)

LIVE_TITLE = "Water and the Upper Basin"
FIRST_TRY = "Water and the Upper Basin, revised"
FIXED = "Water and the Upper Basin: the Nile's share"


def public_text(path):
    """Return what an anonymous reader gets at *path*."""
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def signed_in(browser, live_server, user, width=1280):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=True
    )
    context.add_cookies([session_cookie(user, live_server.url)])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def save_draft_with_title(page, title):
    page.fill("#id_title", title)
    with page.expect_navigation():
        page.locator("input[name=_savedraft]").click()
    assert "Draft saved" in page.locator(".messagelist").inner_text()


def submit_for_review(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    assert "Submitted for review" in page.locator(".messagelist").inner_text()


def test_contributor_change_goes_live_only_after_review(
    browser, live_server, artifacts
):
    report = make_report(title=LIVE_TITLE, slug="upper-basin")
    contributor = make_user(role="Contributors")
    editor = make_user(role="Editors")
    for user, address in ((contributor, "author"), (editor, "editor")):
        user.email = f"{address}@example.org"
        user.save()
    change_url = live_server.url + admin_url(report)
    author_page = signed_in(browser, live_server, contributor)
    editor_page = signed_in(browser, live_server, editor)

    # The contributor edits the live report: a draft, the site unchanged.
    author_page.goto(change_url)
    save_draft_with_title(author_page, FIRST_TRY)
    assert LIVE_TITLE in public_text("/publications/upper-basin/")
    assert FIRST_TRY not in public_text("/publications/upper-basin/")
    submit_for_review(author_page)
    assert [message.to for message in mail.outbox] == [["editor@example.org"]]

    # The editor finds it in the queue, compares, and sends it back.
    editor_page.goto(live_server.url + "/admin/")
    editor_page.get_by_role("link", name=FIRST_TRY).first.click()
    assert (
        "This item has unpublished changes."
        in editor_page.locator(".folio-unpublished-changes").inner_text()
    )
    # Changes to a live item go out when approved: there is nothing to schedule.
    assert editor_page.get_by_role("button", name="Approve and schedule").count() == 0
    assert axe_violations(editor_page) == []
    editor_page.screenshot(path=artifacts / "workflow-editor-review-1280.png")
    editor_page.get_by_role("link", name="Compare with the published version").click()
    changed = editor_page.locator(".folio-draft-changes tbody tr").first.inner_text()
    assert changed.split("\t") == ["Title", LIVE_TITLE, FIRST_TRY]
    editor_page.go_back()
    editor_page.get_by_role("button", name="Send back with a comment…").click()
    comment_box = editor_page.get_by_label("What needs to change")
    comment_box.fill("Name the river in the title.")
    with editor_page.expect_navigation():
        editor_page.get_by_role("button", name="Send back").click()
    assert "Sent back" in editor_page.locator(".messagelist").inner_text()

    # The contributor sees the comment, fixes the title and submits again.
    author_page.goto(change_url)
    comment = author_page.locator(".folio-review-comment").inner_text()
    assert "Name the river in the title." in comment
    author_page.set_viewport_size({"width": 390, "height": 844})
    author_page.screenshot(
        path=artifacts / "workflow-contributor-sent-back-390.png", full_page=True
    )
    author_page.set_viewport_size({"width": 1280, "height": 900})
    save_draft_with_title(author_page, FIXED)
    submit_for_review(author_page)
    assert LIVE_TITLE in public_text("/publications/upper-basin/")

    # The editor approves: the change is live, in the feed and in search.
    editor_page.goto(change_url)
    with editor_page.expect_navigation():
        editor_page.get_by_role("button", name="Approve and publish").click()
    assert "Approved and published" in editor_page.locator(".messagelist").inner_text()
    assert editor_page.locator(".folio-unpublished-changes").count() == 0

    assert Report.objects.get(pk=report.pk).title == FIXED
    assert Report.objects.filter(draft_of=report).count() == 0
    page_html = public_text("/publications/upper-basin/")
    assert "the Nile&#x27;s share" in page_html or "the Nile's share" in page_html
    assert "Nile" in public_text("/feeds/publications/")
    assert "upper-basin" in public_text("/publications/?q=Nile")
    assert mail.outbox[-1].to == ["author@example.org"]
    editor_page.context.close()
    author_page.context.close()
