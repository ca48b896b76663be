"""What the admin's home page lists for editors and contributors.

One selector per panel; each returns a QuerySet (one query when read, the
publication type joined in) so the page can slice it. All take keyword-only
``now`` for tests.
"""

from datetime import timedelta

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, F
from django.db.models.functions import Cast
from django.utils import timezone

from publications.models import Publication, RelatedPublication, Report
from publications.states import ReviewStatus, Status

SCHEDULED_WITHIN = timedelta(days=14)
UNTOUCHED_FOR = timedelta(days=30)


def _publications():
    return Publication.objects.select_related("publication_type")


def scheduled_soon(*, now=None, within=SCHEDULED_WITHIN):
    """Return items set to go live after now and within *within*, soonest first."""
    now = now or timezone.now()
    return (
        _publications()
        .filter(
            status=Status.PUBLISHED, publish_at__gt=now, publish_at__lte=now + within
        )
        .order_by("publish_at", "pk")
    )


def waiting_for_review():
    """Return the editors' queue: items waiting for review, longest waiting first.

    An item's last save is its submission (or a later edit), so the order
    is that of updated_at.
    """
    return (
        _publications()
        .filter(review_status=ReviewStatus.WAITING)
        .order_by("updated_at", "pk")
    )


def overdue(*, now=None):
    """Return drafts whose chosen publish date has passed, most overdue first.

    "Schedule passed but not live": a draft (in review, sent back or not
    yet submitted) whose publish date was set later than the moment it was
    created (so someone chose it; a new item's date defaults to its creation)
    and has now passed. The item missed the date it was meant to go out on.
    Published items past their date are live, or expired by choice, and are
    not listed.
    """
    now = now or timezone.now()
    return (
        _publications()
        .filter(
            status=Status.DRAFT,
            publish_at__gt=F("created_at"),
            publish_at__lte=now,
        )
        .order_by("publish_at", "pk")
    )


def untouched_drafts(*, now=None, untouched_for=UNTOUCHED_FOR):
    """Return drafts not saved for *untouched_for*, oldest save first.

    Items waiting for review are the editors' to act on and are left out.
    """
    now = now or timezone.now()
    return (
        _publications()
        .filter(status=Status.DRAFT, updated_at__lt=now - untouched_for)
        .exclude(review_status=ReviewStatus.WAITING)
        .order_by("updated_at", "pk")
    )


def drafts_of(user):
    """Return the drafts *user* added or changed in the admin, latest save first."""
    content_types = ContentType.objects.get_for_models(Report, RelatedPublication)
    worked_on = (
        LogEntry.objects.filter(
            user=user,
            action_flag__in=(ADDITION, CHANGE),
            content_type__in=list(content_types.values()),
        )
        # The admin log keeps object ids as text.
        .annotate(publication_id=Cast("object_id", BigIntegerField()))
        .values("publication_id")
    )
    return (
        _publications()
        .filter(status=Status.DRAFT, pk__in=worked_on)
        .order_by("-updated_at", "-pk")
    )
