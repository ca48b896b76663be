"""The mail each review step owes, sent after its transaction commits.

A ReviewEvent with no ``notified_at`` is mail not yet sent. A send claims
the row first, so two senders never mail twice, and gives the claim back if
the mail server refuses, so that ``send_review_mail`` (run it from cron)
sends it later: a notification is never silently lost.

Who gets what: editors (users who may publish, with an email address) when
an item is submitted; the author of the submission when it is sent back or
approved. Nobody is mailed about their own step.
"""

import logging
from datetime import timedelta

from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.links import site_url
from publications.models import ReviewEvent
from publications.roles import users_who_may_publish
from publications.states import Kind

logger = logging.getLogger("folio.review")

Action = ReviewEvent.Action


def notify_after_commit(event):
    """Send the mail *event* owes once the current transaction commits."""
    transaction.on_commit(lambda: send_review_mail(event.pk))


def send_review_mail(event_id):
    """Send the mail owed for review step *event_id*; return True if it went.

    Return False when another sender had it, or the mail server refused it
    (the step then stays owed).
    """
    claimed = ReviewEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    event = ReviewEvent.objects.select_related("publication", "actor").get(pk=event_id)
    try:
        messages = review_messages(event)
        if messages:
            mailers.default.send_messages(messages)
    except Exception:
        # Any failure of the backend (SMTP refusal, DNS, a full disk for the
        # file backend) leaves the mail owed, for send_review_mail to retry.
        ReviewEvent.objects.filter(pk=event_id).update(notified_at=None)
        logger.exception("Review mail for step %s not sent; it stays owed.", event_id)
        return False
    return True


def owed_review_mail(*, older_than=timedelta(minutes=1), now=None):
    """Return the ids of review steps whose mail is owed, oldest first.

    Steps younger than *older_than* are left to their own after-commit send.
    """
    now = now or timezone.now()
    return ReviewEvent.objects.filter(
        notified_at__isnull=True, created_at__lte=now - older_than
    ).order_by("created_at", "pk")


def review_recipients(event):
    """Return the addresses *event* is mailed to."""
    if event.action == Action.SUBMITTED:
        editors = users_who_may_publish().exclude(email="")
        if event.actor_id:
            editors = editors.exclude(pk=event.actor_id)
        return sorted(set(editors.values_list("email", flat=True)))
    if event.action in {Action.SENT_BACK, Action.APPROVED}:
        submission = (
            ReviewEvent.objects.filter(
                publication_id=event.publication_id,
                action=Action.SUBMITTED,
                created_at__lte=event.created_at,
            )
            .select_related("actor")
            .order_by("-created_at", "-pk")
            .first()
        )
        author = submission and submission.actor
        if author and author.is_active and author.email and author.pk != event.actor_id:
            return [author.email]
    return []


def review_messages(event):
    """Return the messages *event* owes, one per recipient."""
    recipients = review_recipients(event)
    if not recipients:
        return []
    subject, body = _text(event)
    return [EmailMessage(subject, body, to=[address]) for address in recipients]


def _text(event):
    publication = event.publication
    actor = event.actor
    who = (actor.get_full_name() or actor.get_username()) if actor else _("Someone")
    title = publication.title
    if event.action == Action.SUBMITTED:
        subject = _("Waiting for review: %(title)s")
        lead = _("%(who)s submitted “%(title)s” for review.")
    elif event.action == Action.SENT_BACK:
        subject = _("Sent back: %(title)s")
        lead = _("%(who)s sent “%(title)s” back to you.")
    elif event.publish_at and event.publish_at > event.created_at:
        subject = _("Approved and scheduled: %(title)s")
        lead = _("%(who)s approved “%(title)s”; it goes live on %(date)s.")
    else:
        subject = _("Approved and published: %(title)s")
        lead = _("%(who)s approved “%(title)s”; it is now live.")
    params = {
        "who": who,
        "title": title,
        "date": event.publish_at
        and date_format(timezone.localtime(event.publish_at), "j F Y, H:i"),
    }
    lines = [lead % params, ""]
    if event.comment:
        lines += [_("Comment:"), event.comment, ""]
    lines.append(_("Open it: %(url)s") % {"url": _admin_url(publication)})
    # A header holds one line, whatever the title holds.
    return " ".join((subject % params).split()), "\n".join(lines)


def _admin_url(publication):
    model_name = "report" if publication.kind == Kind.REPORT else "relatedpublication"
    path = reverse(f"admin:publications_{model_name}_change", args=[publication.pk])
    return f"{site_url()}{path}"
