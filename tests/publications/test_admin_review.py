"""Review in the admin: the steps on an item's page, the queue, the refusals."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from publications.models import Publication, ReviewEvent
from publications.states import ReviewStatus, State
from tests.admin_pages import admin_url, logged_in, open_form
from tests.factories import make_related, make_report, make_user

pytestmark = pytest.mark.django_db


def _user(role, email=""):
    user = make_user(role=role)
    user.email = email
    user.first_name = role[:-1]
    user.save()
    return user


@pytest.fixture
def contributor():
    return _user("Contributors", "casey@example.org")


@pytest.fixture
def editor():
    return _user("Editors", "erin@example.org")


def _review_url(item, step):
    return reverse(
        f"admin:publications_{item._meta.model_name}_review", args=[item.pk, step]
    )


def _post(client, item, step, data=None):
    return client.post(_review_url(item, step), data or {}, follow=True)


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def _waiting(item, contributor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(logged_in(contributor), item, "submit", {"comment": "Ready."})
    item.refresh_from_db()
    assert item.review_status == ReviewStatus.WAITING
    mail.outbox.clear()
    return item


def test_contributor_submits_from_the_item_page_and_the_editors_are_mailed(
    contributor, editor, django_capture_on_commit_callbacks
):
    report = make_report(published=False)
    client = logged_in(contributor)
    page = client.get(admin_url(report)).content.decode()
    assert 'value="Submit for review"' in page
    assert "Approve and publish" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, report, "submit", {"comment": "Please check."})

    assert response.redirect_chain[-1][0] == admin_url(report)
    assert "Submitted for review" in _messages(response)[0]
    report.refresh_from_db()
    assert report.review_status == ReviewStatus.WAITING
    assert [message.to for message in mail.outbox] == [["erin@example.org"]]
    page = response.content.decode()
    assert "Waiting for review: submitted by Contributor" in page
    assert "Please check." in page
    assert 'value="Withdraw from review"' in page


def test_editor_approves_and_publishes(
    contributor, editor, django_capture_on_commit_callbacks
):
    related = _waiting(
        make_related(published=False), contributor, django_capture_on_commit_callbacks
    )
    client = logged_in(editor)
    page = client.get(admin_url(related)).content.decode()
    assert 'value="Approve and publish"' in page
    assert 'value="Approve and schedule"' in page
    assert 'value="Submit for review"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, related, "approve")

    related.refresh_from_db()
    assert related.state() == State.LIVE
    assert "Approved and published" in _messages(response)[0]
    assert [message.to for message in mail.outbox] == [["casey@example.org"]]


def test_editor_approves_and_schedules(
    contributor, editor, django_capture_on_commit_callbacks
):
    report = _waiting(
        make_report(published=False), contributor, django_capture_on_commit_callbacks
    )
    moment = timezone.localtime() + timedelta(days=2)

    _post(
        logged_in(editor),
        report,
        "approve",
        {"publish_at": f"{moment:%Y-%m-%dT%H:%M}"},
    )

    report.refresh_from_db()
    assert report.state() == State.SCHEDULED
    assert timezone.localtime(report.publish_at).strftime("%Y-%m-%d %H:%M") == (
        f"{moment:%Y-%m-%d %H:%M}"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Choose the date and time"),
        ("tomorrow", "Enter the date and time"),
        ("2001-01-01T09:00", "Choose a moment in the future"),
    ],
)
def test_a_bad_schedule_date_is_refused_and_saves_nothing(
    contributor, editor, django_capture_on_commit_callbacks, value, message
):
    report = _waiting(
        make_report(published=False), contributor, django_capture_on_commit_callbacks
    )

    response = _post(logged_in(editor), report, "approve", {"publish_at": value})

    assert response.status_code == 200
    assert message in _messages(response)[0]
    assert "Nothing was saved." in _messages(response)[0]
    report.refresh_from_db()
    assert (report.status, report.review_status) == ("draft", ReviewStatus.WAITING)
    assert report.review_events.count() == 1


def test_send_back_page_needs_a_comment_then_the_contributor_sees_it(
    contributor, editor, django_capture_on_commit_callbacks
):
    report = _waiting(
        make_report(published=False), contributor, django_capture_on_commit_callbacks
    )
    client = logged_in(editor)
    url = _review_url(report, "send-back")
    page = client.get(url).content.decode()
    assert '<label for="id_comment" class="required">What needs to change' in page

    refused = client.post(url, {"comment": "  "})
    assert refused.status_code == 200
    assert "Write a comment saying what needs to change." in refused.content.decode()
    assert report.review_events.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"comment": "Shorten the teaser."}, follow=True)

    assert "Sent back" in _messages(response)[0]
    report.refresh_from_db()
    assert report.review_status == ReviewStatus.SENT_BACK
    assert [message.to for message in mail.outbox] == [["casey@example.org"]]
    contributor_client = logged_in(contributor)
    item_page = contributor_client.get(admin_url(report)).content.decode()
    assert "Sent back by Editor on" in item_page
    assert "Shorten the teaser." in item_page
    assert 'value="Submit for review"' in item_page
    changelist = contributor_client.get(
        reverse("admin:publications_report_changelist")
    ).content.decode()
    assert "Sent back: <q>Shorten the teaser.</q>" in changelist


def test_contributor_cannot_approve_or_send_back_by_post(
    contributor, editor, django_capture_on_commit_callbacks
):
    report = _waiting(
        make_report(published=False), contributor, django_capture_on_commit_callbacks
    )
    client = logged_in(contributor)

    approved = client.post(_review_url(report, "approve"))
    sent_back = client.post(_review_url(report, "send-back"), {"comment": "Fine."})

    assert approved.status_code == 403
    assert sent_back.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_status) == ("draft", ReviewStatus.WAITING)
    assert report.review_events.count() == 1


def test_approving_an_item_not_waiting_says_so(editor):
    report = make_report(published=False)

    response = _post(logged_in(editor), report, "approve")

    assert "not waiting for review" in _messages(response)[0]
    report.refresh_from_db()
    assert report.status == Publication.Status.DRAFT
    assert not ReviewEvent.objects.exists()


def test_review_steps_answer_only_post_and_known_steps(editor):
    report = make_report(published=False)
    client = logged_in(editor)

    assert client.get(_review_url(report, "approve")).status_code == 405
    assert client.post(_review_url(report, "publish")).status_code == 302
    missing = reverse("admin:publications_report_review", args=[999999, "approve"])
    assert client.post(missing).status_code == 302


def test_queue_filter_lists_only_items_waiting(
    contributor, editor, django_capture_on_commit_callbacks
):
    waiting = [
        _waiting(
            make_report(title=f"Waiting {n}", published=False),
            contributor,
            django_capture_on_commit_callbacks,
        )
        for n in range(3)
    ]
    make_report(title="Plain draft", published=False)
    make_report(title="Live one")
    client = logged_in(editor)
    url = reverse("admin:publications_report_changelist") + "?review=waiting"
    client.get(url)  # warm the session and content types

    response = client.get(url)

    listed = [row.pk for row in response.context["cl"].result_list]
    assert listed == [item.pk for item in reversed(waiting)]
    assert "Waiting for review" in response.content.decode()


def test_publishing_a_waiting_item_from_its_form_counts_as_approval(
    contributor, editor, django_capture_on_commit_callbacks
):
    report = _waiting(
        make_report(published=False), contributor, django_capture_on_commit_callbacks
    )
    client = logged_in(editor)
    data = open_form(client, admin_url(report), report)
    data["status"] = "published"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(admin_url(report), data)

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state(), report.review_status) == (State.LIVE, ReviewStatus.NONE)
    event = report.review_events.first()
    assert (event.action, event.actor) == (ReviewEvent.Action.APPROVED, editor)
    assert [message.to for message in mail.outbox] == [["casey@example.org"]]
