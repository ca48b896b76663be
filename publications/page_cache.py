"""Whole-page cache for anonymous readers, shared by every app server.

Every cached page's key holds the content version, a counter kept in the
shared cache. Any change to content bumps it, so every server builds fresh
pages on the next request. Scheduled changes (an item going live or leaving)
need no save: the version also carries the time of the next such change and
is bumped once that time has passed.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from publications.models import Publication

logger = logging.getLogger("folio")

VERSION_KEY = "folio:content-version"
NEXT_CHANGE_KEY = "folio:content-next-change"


def _next_scheduled_change(now):
    """Return the Unix time of the next publish or unpublish moment."""
    upcoming = Publication.objects.next_state_change(now=now)
    # Pages are rebuilt at least this often even when nothing is scheduled.
    latest = now.timestamp() + settings.FOLIO_PAGE_CACHE_SECONDS
    return min(upcoming.timestamp(), latest) if upcoming else latest


def versioned_get(key):
    """Return (content version, the entry at *key*) in one cache round trip.

    The version moves on first if a scheduled change has come due.
    """
    values = cache.get_many([VERSION_KEY, NEXT_CHANGE_KEY, key])
    version = values.get(VERSION_KEY)
    next_change = values.get(NEXT_CHANGE_KEY)
    if version is None or next_change is None or time.time() >= next_change:
        version = _start_new_version()
    return version, values.get(key)


def _start_new_version():
    now = timezone.now()
    next_change = _next_scheduled_change(now)
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:
        version = int(time.time() * 1000)
        cache.set(VERSION_KEY, version, timeout=None)
    cache.set(NEXT_CHANGE_KEY, next_change + 0.001, timeout=None)
    return version


def content_changed():
    """Make every cached page stale, once the current transaction commits."""
    transaction.on_commit(_bump_safely)


def _bump_safely():
    # Imported here: data_cache builds on this module.
    from publications.data_cache import forget_version

    forget_version()
    try:
        cache.delete(NEXT_CHANGE_KEY)
        _start_new_version()
    except Exception as error:  # noqa: BLE001 - the cache must never break a save
        logger.warning("Could not invalidate the page cache: %s", error)


def page_key(request):
    """Return the cache key of the page *request* asks for.

    The entry stores the content version it was built at, and counts only
    while that is still the current version.
    """
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"folio:page:{digest}"
