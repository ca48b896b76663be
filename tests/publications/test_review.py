"""The review steps: each recorded, mailed to the right people, refused cleanly."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from reversion.models import Version

from publications.models import Publication, ReviewEvent
from publications.review import (
    ReviewError,
    approve,
    send_back,
    submit_for_review,
    withdraw_submission,
)
from publications.states import ReviewStatus, State
from tests.factories import make_related, make_report, make_user

pytestmark = pytest.mark.django_db

Action = ReviewEvent.Action


def _user(role, email):
    user = make_user(role=role)
    user.email = email
    user.save()
    return user


@pytest.fixture
def people():
    return {
        "contributor": _user("Contributors", "casey@example.org"),
        "editor": _user("Editors", "erin@example.org"),
        "other_editor": _user("Editors", "ed@example.org"),
        "no_email_editor": _user("Editors", ""),
    }


def _submitted(item, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit_for_review(item, actor=people["contributor"], comment="Ready.")
    mail.outbox.clear()
    item.refresh_from_db()
    return item


def _versions(item):
    return Version.objects.get_for_object(item).select_related("revision")


def test_submit_queues_the_item_records_it_and_mails_the_editors(
    people, django_capture_on_commit_callbacks
):
    report = make_report(published=False)
    superuser = make_user(is_superuser=True)
    superuser.email = "root@example.org"
    superuser.save()

    with django_capture_on_commit_callbacks(execute=True):
        event = submit_for_review(report, actor=people["contributor"], comment="Ready.")

    report.refresh_from_db()
    assert report.review_status == ReviewStatus.WAITING
    assert report.status == Publication.Status.DRAFT
    assert (event.action, event.actor, event.comment) == (
        Action.SUBMITTED,
        people["contributor"],
        "Ready.",
    )
    revision = _versions(report).first().revision
    assert revision.user == people["contributor"]
    assert revision.comment == "Submitted for review: Ready."
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["ed@example.org", "erin@example.org", "root@example.org"]
    assert "Waiting for review" in mail.outbox[0].subject
    assert f"/admin/publications/report/{report.pk}/change/" in mail.outbox[0].body
    event.refresh_from_db()
    assert event.notified_at is not None


def test_send_back_records_the_comment_and_mails_the_submitter(
    people, django_capture_on_commit_callbacks
):
    report = _submitted(
        make_report(published=False), people, django_capture_on_commit_callbacks
    )

    with django_capture_on_commit_callbacks(execute=True):
        send_back(report, actor=people["editor"], comment="  Add a summary.  ")

    report.refresh_from_db()
    assert report.review_status == ReviewStatus.SENT_BACK
    assert report.status == Publication.Status.DRAFT
    event = report.review_events.first()
    assert (event.action, event.actor, event.comment) == (
        Action.SENT_BACK,
        people["editor"],
        "Add a summary.",
    )
    assert _versions(report).first().revision.comment == "Sent back: Add a summary."
    assert [message.to for message in mail.outbox] == [["casey@example.org"]]
    assert "Add a summary." in mail.outbox[0].body


def test_approve_publishes_now_through_a_save_that_moves_the_cache_version(
    people, django_capture_on_commit_callbacks
):
    from publications.caching.versions import content_version

    related = _submitted(
        make_related(published=False), people, django_capture_on_commit_callbacks
    )
    before = content_version()

    with django_capture_on_commit_callbacks(execute=True):
        approve(related, actor=people["editor"])

    related.refresh_from_db()
    assert related.state() == State.LIVE
    assert related.review_status == ReviewStatus.NONE
    assert content_version() != before
    assert related.review_events.first().action == Action.APPROVED
    assert _versions(related).first().revision.user == people["editor"]
    assert [message.to for message in mail.outbox] == [["casey@example.org"]]
    assert "it is now live" in mail.outbox[0].body


def test_approve_can_schedule(people, django_capture_on_commit_callbacks):
    report = _submitted(
        make_report(published=False), people, django_capture_on_commit_callbacks
    )
    moment = timezone.now() + timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        approve(report, actor=people["editor"], publish_at=moment)

    report.refresh_from_db()
    assert report.state() == State.SCHEDULED
    assert report.publish_at == moment
    assert "Approved and scheduled" in mail.outbox[0].subject


def test_approving_with_an_unpublish_date_before_the_moment_saves_nothing(
    people, django_capture_on_commit_callbacks
):
    report = _submitted(
        make_report(published=False, unpublish_at=timezone.now() + timedelta(days=1)),
        people,
        django_capture_on_commit_callbacks,
    )

    with pytest.raises(ReviewError, match="unpublish date"):
        approve(
            report,
            actor=people["editor"],
            publish_at=timezone.now() + timedelta(days=2),
        )

    report.refresh_from_db()
    assert (report.status, report.review_status) == ("draft", ReviewStatus.WAITING)
    assert report.review_events.count() == 1


def test_withdraw_takes_the_item_out_of_the_queue_without_mail(
    people, django_capture_on_commit_callbacks
):
    report = _submitted(
        make_report(published=False), people, django_capture_on_commit_callbacks
    )

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_submission(report, actor=people["contributor"])

    report.refresh_from_db()
    assert report.review_status == ReviewStatus.NONE
    assert report.review_events.first().action == Action.WITHDRAWN
    assert mail.outbox == []


def test_send_back_needs_a_comment_and_saves_nothing_without_one(
    people, django_capture_on_commit_callbacks
):
    report = _submitted(
        make_report(published=False), people, django_capture_on_commit_callbacks
    )
    versions = _versions(report).count()

    with pytest.raises(ReviewError, match="Write a comment"):
        send_back(report, actor=people["editor"], comment="   ")

    report.refresh_from_db()
    assert report.review_status == ReviewStatus.WAITING
    assert report.review_events.count() == 1
    assert _versions(report).count() == versions


@pytest.mark.parametrize("step", ["approve", "send_back", "withdraw"])
def test_steps_on_an_item_not_waiting_are_refused(people, step):
    report = make_report(published=False)
    actions = {
        "approve": lambda: approve(report, actor=people["editor"]),
        "send_back": lambda: send_back(report, actor=people["editor"], comment="No."),
        "withdraw": lambda: withdraw_submission(report, actor=people["contributor"]),
    }

    with pytest.raises(ReviewError, match="not waiting for review"):
        actions[step]()

    report.refresh_from_db()
    assert report.status == Publication.Status.DRAFT
    assert not ReviewEvent.objects.exists()


def test_published_items_and_items_in_the_queue_cannot_be_submitted(
    people, django_capture_on_commit_callbacks
):
    live = make_report()
    waiting = _submitted(
        make_report(published=False), people, django_capture_on_commit_callbacks
    )

    with pytest.raises(ReviewError, match="published"):
        submit_for_review(live, actor=people["editor"])
    with pytest.raises(ReviewError, match="already waiting"):
        submit_for_review(waiting, actor=people["contributor"])
    assert ReviewEvent.objects.count() == 1


def test_contributors_cannot_approve_or_send_back(
    people, django_capture_on_commit_callbacks
):
    report = _submitted(
        make_report(published=False), people, django_capture_on_commit_callbacks
    )

    with pytest.raises(PermissionDenied):
        approve(report, actor=people["contributor"])
    with pytest.raises(PermissionDenied):
        send_back(report, actor=people["contributor"], comment="Mine is fine.")
    with pytest.raises(PermissionDenied):
        submit_for_review(make_report(published=False), actor=make_user())

    report.refresh_from_db()
    assert (report.status, report.review_status) == ("draft", ReviewStatus.WAITING)


def test_a_refused_mail_stays_owed_and_the_command_sends_it(
    people, django_capture_on_commit_callbacks, settings
):
    from django.core.management import call_command

    settings.MAILERS = {"default": {"BACKEND": "tests.publications.test_review.Down"}}
    report = make_report(published=False)
    with django_capture_on_commit_callbacks(execute=True):
        event = submit_for_review(report, actor=people["contributor"])
    event.refresh_from_db()
    assert event.notified_at is None
    ReviewEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )

    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    call_command("send_review_mail", verbosity=0)
    call_command("send_review_mail", verbosity=0)

    event.refresh_from_db()
    assert event.notified_at is not None
    assert len(mail.outbox) == 2  # the two editors with an address, once each


class Down:
    """A mail backend whose server refuses every message."""

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_an_item_published_another_way_leaves_the_queue(
    people, django_capture_on_commit_callbacks
):
    report = _submitted(
        make_report(published=False), people, django_capture_on_commit_callbacks
    )

    report.status = Publication.Status.PUBLISHED
    report.save(update_fields=["status"])

    report.refresh_from_db()
    assert report.review_status == ReviewStatus.NONE


def test_approving_changes_to_a_live_item_publishes_them_and_keeps_their_review(
    people, django_capture_on_commit_callbacks
):
    from publications.drafts import draft_for

    live = make_report(title="As published", slug="as-published")
    draft = draft_for(live)
    draft.title = "As reviewed"
    draft.save()
    draft = _submitted(draft, people, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        approve(draft, actor=people["editor"])

    live.refresh_from_db()
    assert live.title == "As reviewed"
    assert live.state() == State.LIVE
    assert not Publication.objects.filter(draft_of=live).exists()
    assert list(
        ReviewEvent.objects.filter(publication=live).values_list("action", flat=True)
    ) == [Action.APPROVED, Action.SUBMITTED]
    assert [message.to for message in mail.outbox] == [["casey@example.org"]]


def test_changes_to_a_live_item_cannot_be_scheduled(
    people, django_capture_on_commit_callbacks
):
    from publications.drafts import draft_for

    live = make_report(title="As published", slug="as-published")
    draft = draft_for(live)
    draft.title = "As reviewed"
    draft.save()
    draft = _submitted(draft, people, django_capture_on_commit_callbacks)

    with pytest.raises(ReviewError, match="cannot be scheduled"):
        approve(
            draft,
            actor=people["editor"],
            publish_at=timezone.now() + timedelta(days=2),
        )

    live.refresh_from_db()
    draft.refresh_from_db()
    assert live.title == "As published"
    assert draft.review_status == ReviewStatus.WAITING


def test_an_incomplete_item_is_not_approved_and_nothing_is_saved(
    people, django_capture_on_commit_callbacks
):
    report = make_report(published=False, summary_points=())
    report = _submitted(report, people, django_capture_on_commit_callbacks)
    events = ReviewEvent.objects.count()

    with pytest.raises(ReviewError, match="add at least one summary point"):
        approve(report, actor=people["editor"])

    report.refresh_from_db()
    assert report.review_status == ReviewStatus.WAITING
    assert report.state() == State.DRAFT
    assert ReviewEvent.objects.count() == events
    assert mail.outbox == []
