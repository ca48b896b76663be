"""Drain the change queue into the stored related items and cards.

A drain runs right after each transaction that queued changes commits, and
every app server process checks for changes left over (a drain that failed,
or one another server was running) at most every DRAIN_INTERVAL_SECONDS,
after a response. Items that went live or left at their scheduled moment
since the last drain count as changed too. One drain runs at a time: it
holds its DrainMark row.
"""

import logging
import time
from datetime import timedelta

from django.core.signals import request_finished
from django.db import connection, transaction
from django.utils import timezone

from publications.caching.surrogates import publication_key
from publications.caching.versions import public_content_changed
from publications.cards import store_cards
from publications.derived.related import MARK, update_related
from publications.models import DrainMark, Publication, PublicationChange

logger = logging.getLogger("folio")

# Changes taken per drain transaction.
BATCH = 200
DRAIN_INTERVAL_SECONDS = 2
# Drained changes are kept this long for the workers' facet indexes.
KEEP_CHANGES = timedelta(hours=1)


def drain(*, now=None):
    """Apply every queued change to the stored lists; return how many changes.

    Returns 0 at once if another drain holds the mark.
    """
    total = 0
    while True:
        drained = _drain_batch(now=now)
        if drained is None:
            return total
        taken, changed_ids = drained
        total += taken
        _store_cards(changed_ids, now=now)
        if taken < BATCH:
            return total


def _store_cards(publication_ids, *, now):
    """Store the cards of the changed live items, so readers find them built.

    After the batch's commit: a card that fails to build is built when
    read, and never holds the queue back.
    """
    if not publication_ids:
        return
    try:
        store_cards(
            Publication.objects.live(now=now)
            .filter(pk__in=publication_ids)
            .values_list("pk", flat=True)
        )
    except Exception:  # noqa: BLE001 - readers build what is missing
        logger.exception("Storing the cards of changed publications failed.")


def drain_after_commit():
    """Drain now; a failure leaves the changes queued for the next drain."""
    try:
        drain()
    except Exception:  # noqa: BLE001 - the queue keeps them; logged for ops
        logger.exception("Draining publication changes failed; they stay queued.")


def _drain_batch(*, now):
    now = now or timezone.now()
    with transaction.atomic():
        DrainMark.objects.get_or_create(name=MARK)
        mark = (
            DrainMark.objects.select_for_update(skip_locked=True)
            .filter(name=MARK)
            .first()
        )
        if mark is None:
            return None
        changes = list(
            PublicationChange.objects.filter(is_drained=False)
            .order_by("id")
            .values_list("id", "publication_id")[:BATCH]
        )
        ids = {pk for _, pk in changes if pk is not None}
        if mark.drained_at is not None:
            ids |= set(
                Publication.objects.changed_state_between(
                    mark.drained_at, now
                ).values_list("pk", flat=True)
            )
        written = update_related(ids, now=now) if ids else set()
        if written:
            # A page built between the change's commit and this drain shows
            # the old related items: move the version on and purge those
            # pages, as for any public change.
            public_content_changed(purge_keys={publication_key(pk) for pk in written})
        PublicationChange.objects.filter(
            pk__in=[change_id for change_id, _ in changes]
        ).update(is_drained=True)
        mark.drained_at = now
        mark.save(update_fields=["drained_at"])
        PublicationChange.objects.filter(
            is_drained=True, changed_at__lt=now - KEEP_CHANGES
        ).delete()
    return len(changes), ids


def is_pending():
    """Return True if changes are queued, not yet drained."""
    return PublicationChange.objects.filter(is_drained=False).exists()


_last_check = [0.0]


def _drain_if_due(**kwargs):
    """After a response, drain what is left over, at most every few seconds."""
    clock = time.monotonic()
    if clock - _last_check[0] < DRAIN_INTERVAL_SECONDS:
        return
    _last_check[0] = clock
    if connection.in_atomic_block:
        return
    try:
        drain()
    except Exception:  # noqa: BLE001
        logger.exception("Draining publication changes failed; they stay queued.")


def connect():
    request_finished.connect(_drain_if_due, dispatch_uid="folio-derived-drain")
