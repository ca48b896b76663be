"""The editors' review: submit, withdraw, send back with a comment, approve.

Each step runs in one transaction that locks the item, checks who may take
it and whether the item is in the right place for it, saves the item through
its model (so the cache version of publications.caching moves when it goes
public), keeps a version in its history (django-reversion: who, when, the
comment) and adds a ReviewEvent. The mail the step owes is sent once the
transaction has committed (publications.review_mail).

A step refused for the item's state raises ReviewError with a message for
the user; one refused for the user raises PermissionDenied. Either way
nothing is saved.
"""

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from publications.drafts import DraftError, publish_draft
from publications.models import Publication, RelatedPublication, Report, ReviewEvent
from publications.publishing_rules import describe_reasons, missing_for_publishing
from publications.review_mail import notify_after_commit
from publications.roles import may_review, may_submit
from publications.states import Kind, ReviewStatus, Status

COMMENT_MAX_LENGTH = 5000


class ReviewError(Exception):
    """A review step that cannot be taken now; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def submit_for_review(publication, *, actor, comment=""):
    """Put *publication* in the editors' queue and mail the editors."""
    with transaction.atomic():
        item = _locked(publication)
        if not may_submit(actor, item):
            raise PermissionDenied
        if item.status == Status.PUBLISHED:
            raise ReviewError(_("This item is published: there is nothing to review."))
        if item.review_status == ReviewStatus.WAITING:
            raise ReviewError(_("This item is already waiting for review."))
        return _record(
            item,
            actor=actor,
            action=ReviewEvent.Action.SUBMITTED,
            review_status=ReviewStatus.WAITING,
            comment=_clean_comment(comment, required=False),
        )


def withdraw_submission(publication, *, actor):
    """Take *publication* out of the queue, back to its author's drafts."""
    with transaction.atomic():
        item = _locked(publication)
        if not may_submit(actor, item):
            raise PermissionDenied
        _check_waiting(item)
        return _record(
            item,
            actor=actor,
            action=ReviewEvent.Action.WITHDRAWN,
            review_status=ReviewStatus.NONE,
        )


def send_back(publication, *, actor, comment):
    """Return *publication* to its author with *comment* (required), by mail."""
    with transaction.atomic():
        item = _locked(publication)
        if not may_review(actor):
            raise PermissionDenied
        comment = _clean_comment(comment, required=True)
        _check_waiting(item)
        return _record(
            item,
            actor=actor,
            action=ReviewEvent.Action.SENT_BACK,
            review_status=ReviewStatus.SENT_BACK,
            comment=comment,
        )


def approve(publication, *, actor, publish_at=None, comment=""):
    """Publish *publication* now, or schedule it for *publish_at*.

    A *publish_at* in the past publishes now. An unpublish date already
    past is cleared, as the admin's "Publish now" does; one before the
    chosen moment is refused.
    """
    with transaction.atomic():
        item = _locked(publication)
        if not may_review(actor):
            raise PermissionDenied
        comment = _clean_comment(comment, required=False)
        _check_waiting(item)
        now = timezone.now()
        publish_at = max(publish_at or now, now)
        if item.unpublish_at is not None and item.unpublish_at <= now:
            item.unpublish_at = None
        if item.unpublish_at is not None and item.unpublish_at <= publish_at:
            raise ReviewError(
                _(
                    "The item's unpublish date is before the moment you chose: "
                    "change the unpublish date or choose an earlier moment."
                )
            )
        if item.draft_of_id is not None:
            return _approve_changes(
                item, actor=actor, publish_at=publish_at, now=now, comment=comment
            )
        missing = missing_for_publishing(item.specific)
        if missing:
            raise ReviewError(
                _("To publish or schedule it, add %(missing)s.")
                % {"missing": describe_reasons(missing)}
            )
        item.status = Status.PUBLISHED
        item.publish_at = publish_at
        return _record(
            item,
            actor=actor,
            action=ReviewEvent.Action.APPROVED,
            review_status=ReviewStatus.NONE,
            comment=comment,
            publish_at=publish_at,
        )


def _approve_changes(draft, *, actor, publish_at, now, comment):
    """Publish the unpublished changes *draft* holds to its published item.

    The item is live already, so its changes go out now: scheduling them
    would need a second copy of the item, which Folio does not keep.
    """
    if publish_at > now:
        raise ReviewError(
            _(
                "These are changes to a published item: they go live when "
                "approved and cannot be scheduled. Approve and publish them instead."
            )
        )
    event = _record(
        draft,
        actor=actor,
        action=ReviewEvent.Action.APPROVED,
        review_status=ReviewStatus.NONE,
        comment=comment,
        publish_at=now,
    )
    try:
        publish_draft(draft, user=actor)
    except DraftError as error:
        raise ReviewError(str(error)) from error
    return event


def record_published_from_review(publication, *, actor):
    """Record that an item which was waiting for review was published by a save.

    For an editor who publishes from the item's form instead of "Approve":
    the author is told all the same. Call it in the save's transaction.
    """
    event = ReviewEvent.objects.create(
        publication=publication,
        actor=actor,
        action=ReviewEvent.Action.APPROVED,
        publish_at=publication.publish_at,
        created_at=timezone.now(),
    )
    notify_after_commit(event)
    return event


def _locked(publication):
    """Return the concrete item behind *publication*, fresh and locked."""
    kind = (
        Publication.objects.filter(pk=publication.pk)
        .values_list("kind", flat=True)
        .first()
    )
    model = Report if kind == Kind.REPORT else RelatedPublication
    item = model.objects.select_for_update().filter(pk=publication.pk).first()
    if item is None:
        raise ReviewError(_("This item no longer exists."))
    return item


def _check_waiting(item):
    if item.review_status != ReviewStatus.WAITING:
        raise ReviewError(
            _("This item is not waiting for review: it may have been handled already.")
        )


def _clean_comment(comment, *, required):
    comment = (comment or "").strip()
    if required and not comment:
        raise ReviewError(_("Write a comment saying what needs to change."))
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ReviewError(
            _("Keep the comment under %(count)d characters.")
            % {"count": COMMENT_MAX_LENGTH}
        )
    return comment


def _record(item, *, actor, action, review_status, comment="", publish_at=None):
    """Save *item* as a new version in its history and add the review step."""
    item.review_status = review_status
    # An edit form opened before this step must not save over it unseen
    # (core.admin.conflicts).
    item.version += 1
    label = ReviewEvent.Action(action).label
    with reversion.create_revision(atomic=False):
        reversion.set_user(actor)
        reversion.set_comment(f"{label}: {comment}" if comment else str(label))
        item.save()
    event = ReviewEvent.objects.create(
        publication=item,
        actor=actor,
        action=action,
        comment=comment,
        publish_at=publish_at,
        created_at=timezone.now(),
    )
    notify_after_commit(event)
    return event
