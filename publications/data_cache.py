"""Read results remembered in the shared cache until content changes.

The listing's filter choices, list counts and related items cost many rows to
compute and are the same for every reader. They are kept under the content
version of publications.page_cache, which every save of content moves on, so
every app server sees a change on its next request, and each entry also
expires at the next moment a scheduled item goes live or leaves. Only a cache
shared by every app server is used: a per-process one would keep results
another server has made stale.
"""

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

from publications import page_cache
from publications.models import Publication

logger = logging.getLogger("folio")

# Longest a remembered result is kept when no scheduled change is due.
REMEMBER_SECONDS = 24 * 60 * 60
# A "now" this far from the clock is a question about another moment.
PRESENT_TOLERANCE_SECONDS = 60


def shared_cache():
    """Return the default cache if every app server shares it, else None.

    A per-process cache would keep results another server has made stale.
    """
    cache = caches["default"]
    return None if isinstance(cache, LocMemCache) else cache


def remember(name, build, *, now=None):
    """Return build(), kept in the shared cache until content changes.

    The key holds the content version of publications.page_cache, which
    every save of content moves on; the entry also holds the next moment a
    scheduled item goes live or leaves, after which it is built afresh. A
    *now* other than the present is never cached. Without a shared cache,
    or if it fails, build() runs every time.
    """
    cache = shared_cache()
    real_now = timezone.now()
    if cache is None or (
        now and abs((real_now - now).total_seconds()) > PRESENT_TOLERANCE_SECONDS
    ):
        return build()
    try:
        key = f"folio:data:{_content_version(cache)}:{name}"
        entry = cache.get(key)
    except Exception as error:  # noqa: BLE001 - a cache outage must not fail pages
        logger.warning("Shared cache unavailable, reading afresh: %s", error)
        return build()
    if entry is not None and (entry[0] is None or time.time() < entry[0]):
        return entry[1]
    value = build()
    change = Publication.objects.next_state_change(now=now or real_now)
    until = change.timestamp() if change else None
    timeout = REMEMBER_SECONDS
    if until is not None:
        timeout = max(1, min(timeout, int(until - time.time()) + 1))
    try:
        cache.set(key, (until, value), timeout=timeout)
    except Exception as error:  # noqa: BLE001
        logger.warning("Could not remember %s in the shared cache: %s", name, error)
    return value


def remember_each(names, build_missing, *, seconds=REMEMBER_SECONDS):
    """Return {name: value} for *names*, each kept until content changes.

    For values that depend on content alone, not on the clock: one cache
    round trip reads them all, and build_missing(missing names) returns
    {name: value} for those not remembered. Without a shared cache, or if
    it fails, everything is built.
    """
    cache = shared_cache()
    if cache is None or not names:
        return build_missing(list(names))
    try:
        prefix = f"folio:data:{_content_version(cache)}:"
        found = cache.get_many([prefix + name for name in names])
    except Exception as error:  # noqa: BLE001
        logger.warning("Shared cache unavailable, reading afresh: %s", error)
        return build_missing(list(names))
    values = {name: found[prefix + name] for name in names if prefix + name in found}
    missing = [name for name in names if name not in values]
    if missing:
        built = build_missing(missing)
        values.update(built)
        try:
            cache.set_many(
                {prefix + name: value for name, value in built.items()},
                timeout=seconds,
            )
        except Exception as error:  # noqa: BLE001
            logger.warning("Could not remember entries in the shared cache: %s", error)
    return values


def _content_version(cache):
    version = cache.get(page_cache.VERSION_KEY)
    if version is None:
        cache.add(page_cache.VERSION_KEY, int(time.time() * 1000), timeout=None)
        version = cache.get(page_cache.VERSION_KEY)
    return version
