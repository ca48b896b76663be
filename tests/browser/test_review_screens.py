"""The admin's dashboard and the review pages in Chromium: readable, accessible."""

from datetime import timedelta

from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from publications.models import Publication
from publications.review import submit_for_review
from tests.accessibility import axe_violations
from tests.factories import make_related, make_report, make_user


def _person(role, first_name, last_name):
    user = make_user(role=role)
    user.first_name, user.last_name = first_name, last_name
    user.save()
    return user


def _fill(editor, contributor):
    now = timezone.now()
    waiting = make_report(title="Talking Before the Guns Fall Silent", published=False)
    submit_for_review(waiting, actor=contributor, comment="Ready for a look.")
    submit_for_review(
        make_related(title="After the Walkout: Keeping Talks Alive", published=False),
        actor=contributor,
    )
    make_report(title="Rivers Without Borders", publish_at=now + timedelta(days=3))
    overdue = make_related(
        title="Panel: Women in Ceasefire Committees", published=False
    )
    Publication.objects.filter(pk=overdue.pk).update(
        publish_at=now - timedelta(days=2), created_at=now - timedelta(days=9)
    )
    old = make_report(title="Election Violence Early Warning", published=False)
    Publication.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=45))
    LogEntry.objects.log_actions(
        user_id=editor.pk,
        queryset=[old],
        action_flag=ADDITION,
        change_message="Added.",
        single_object=True,
    )
    return waiting


def _in_review_box(page, violations):
    return [
        violation
        for violation in violations
        if any(
            page.evaluate(
                "target => !!document.querySelector(target)?.closest('.folio-review')",
                target[-1],
            )
            for target in violation["targets"]
        )
    ]


def test_dashboard_and_review_pages_at_1280_px(open_page, live_server, artifacts):
    editor = _person("Editors", "Erin", "Editor")
    contributor = _person("Contributors", "Casey", "Contributor")
    waiting = _fill(editor, contributor)
    page = open_page(editor)

    page.goto(live_server.url + reverse("admin:index"))
    assert page.locator("caption", has_text="Waiting for review").is_visible()
    assert page.locator("#dashboard-waiting tbody tr").count() == 2
    assert page.locator("#dashboard-overdue tbody th a").inner_text() == (
        "Panel: Women in Ceasefire Committees"
    )
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "admin-dashboard-1280.png", full_page=True)

    page.goto(
        live_server.url + reverse("admin:publications_report_change", args=[waiting.pk])
    )
    assert page.get_by_role("button", name="Approve and publish").is_visible()
    # The rest of the change form is not this page's to judge.
    assert _in_review_box(page, axe_violations(page)) == []
    page.screenshot(path=artifacts / "admin-review-box-1280.png")

    page.get_by_role("button", name="Send back with a comment…").click()
    page.get_by_role("button", name="Send back").click()  # no comment yet
    expect(page.get_by_role("alert").first).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "admin-send-back-1280.png", full_page=True)

    page.get_by_label("What needs to change").fill("Shorten the summary.")
    page.get_by_role("button", name="Send back").click()
    # The click only starts the POST; wait for the page it leads to.
    expect(page.get_by_text("Sent back: the author has been told.")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.review_status == "sent_back"

    page = open_page(contributor)
    change_url = reverse("admin:publications_report_change", args=[waiting.pk])
    page.goto(live_server.url + change_url)
    assert page.get_by_role("note").filter(has_text="Shorten the summary.").count()
    assert page.get_by_role("button", name="Submit for review").is_visible()
    assert _in_review_box(page, axe_violations(page)) == []
    page.screenshot(path=artifacts / "admin-sent-back-1280.png")
