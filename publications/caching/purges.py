"""Purges of a shared HTTP cache, recorded with the change and drained after.

Varnish (or a CDN) has no content version to check: a page it holds is
served until it is purged or its s-maxage runs out. So every public change
writes its surrogate keys to the PurgeRequest table in the change's own
transaction; after the commit, the app server that made it delivers them
and deletes the rows the backend confirmed. A purge that fails stays in
the table and is retried with backoff, by the next commit on any server or
by `manage.py run_purger`, which also delivers the purges due when a
scheduled item goes live or leaves. Each purge is sent a second time
FOLIO_PURGE_REPEAT_SECONDS later, for a page whose fetch began before the
commit and was stored after the first purge.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from publications.caching.purge_backends import PurgeError, purge_backend
from publications.caching.surrogates import LISTS, publication_keys
from publications.models import Publication, PurgeRequest

logger = logging.getLogger("folio")

# Longest wait between two attempts at a purge that keeps failing.
MAX_BACKOFF_SECONDS = 300
# Rows delivered in one go.
BATCH = 500


def is_enabled():
    return bool(settings.FOLIO_PURGE_BACKEND)


def purge_after_commit(keys):
    """Record a purge of *keys* in this transaction; deliver it after the commit.

    *keys* may be a callable returning them, so that nothing is read when
    no purge backend is configured.
    """
    if not is_enabled():
        return
    if callable(keys):
        keys = keys()
    now = timezone.now()
    text = " ".join(sorted(keys))
    rows = [PurgeRequest(keys=text, due_at=now)]
    if settings.FOLIO_PURGE_REPEAT_SECONDS > 0:
        repeat_at = now + timedelta(seconds=settings.FOLIO_PURGE_REPEAT_SECONDS)
        rows.append(PurgeRequest(keys=text, due_at=repeat_at))
    PurgeRequest.objects.bulk_create(rows)
    # Robust: a purge that cannot be sent now must not fail the request that
    # committed; its rows stay for the next attempt.
    transaction.on_commit(deliver_due, robust=True)


def purge_at(publication_id, moment):
    """Record a purge of *publication_id*'s pages, due at *moment*.

    For a scheduled item going live or leaving then. Its keys are read when
    the purge is delivered.
    """
    if not is_enabled():
        return
    scheduled = PurgeRequest.objects.filter(publication_id=publication_id)
    if not scheduled.filter(due_at=moment).exists():
        PurgeRequest.objects.create(publication_id=publication_id, due_at=moment)


def schedule_pending(*, now=None):
    """Record the purges of every scheduled moment still to come.

    For items scheduled before purging was configured; moments already
    recorded are not added again.
    """
    from publications.caching.versions import LEAVES_JUST_AFTER

    now = now or timezone.now()
    published = Publication.objects.filter(status=Publication.Status.PUBLISHED)
    for pk, moment in published.filter(publish_at__gt=now).values_list(
        "pk", "publish_at"
    ):
        purge_at(pk, moment)
    for pk, moment in published.filter(unpublish_at__gte=now).values_list(
        "pk", "unpublish_at"
    ):
        purge_at(pk, moment + LEAVES_JUST_AFTER)


def deliver_due(*, now=None):
    """Deliver the purges due by *now*; return how many rows were delivered.

    Rows are locked while they are sent (skipped by other servers on
    PostgreSQL), deleted once the backend confirms them, and otherwise
    put off with backoff and logged.
    """
    backend = purge_backend()
    if backend is None:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            PurgeRequest.objects.select_for_update(skip_locked=True).filter(
                due_at__lte=now
            )[:BATCH]
        )
        if not rows:
            return 0
        keys = set()
        for row in rows:
            keys.update(row.keys.split())
            if row.publication_id is not None:
                keys.update(publication_keys(row.publication_id))
                keys.update(LISTS)
        try:
            backend.purge(keys)
        except PurgeError as error:
            _put_off(rows, error, now)
            return 0
        PurgeRequest.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def next_due_at():
    """Return when the next recorded purge is due, or None."""
    return PurgeRequest.objects.aggregate(next=Min("due_at"))["next"]


def _put_off(rows, error, now):
    logger.error(
        "Purge of %d recorded change(s) failed, will retry: %s", len(rows), error
    )
    for row in rows:
        row.attempts += 1
        delay = min(2**row.attempts, MAX_BACKOFF_SECONDS)
        row.due_at = now + timedelta(seconds=delay)
        row.last_error = str(error)[:1000]
    PurgeRequest.objects.bulk_update(rows, ["attempts", "due_at", "last_error"])
