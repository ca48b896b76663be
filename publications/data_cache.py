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

from asgiref.local import Local
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started
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

    The entry holds the content version of publications.page_cache, which
    every save of content moves on, and the next moment a scheduled item
    goes live or leaves, after which it is built afresh. A *now* other than
    the present is never cached. Without a shared cache, or if it fails,
    build() runs every time.
    """
    cache = shared_cache()
    real_now = timezone.now()
    if cache is None or (
        now and abs((real_now - now).total_seconds()) > PRESENT_TOLERANCE_SECONDS
    ):
        return build()
    try:
        version, found = _read(cache, [name])
    except Exception as error:  # noqa: BLE001 - a cache outage must not fail pages
        logger.warning("Shared cache unavailable, reading afresh: %s", error)
        return build()
    if name in found:
        return found[name]
    value = build()
    change = Publication.objects.next_state_change(now=now or real_now)
    until = change.timestamp() if change else None
    timeout = REMEMBER_SECONDS
    if until is not None:
        timeout = max(1, min(timeout, int(until - time.time()) + 1))
    _write(cache, version, {name: value}, until=until, timeout=timeout)
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
        version, values = _read(cache, names)
    except Exception as error:  # noqa: BLE001
        logger.warning("Shared cache unavailable, reading afresh: %s", error)
        return build_missing(list(names))
    missing = [name for name in names if name not in values]
    if missing:
        built = build_missing(missing)
        values.update(built)
        _write(cache, version, built, until=None, timeout=seconds)
    return values


def _key(name):
    return f"folio:data:{name}"


def _read(cache, names):
    """Return (content version, {name: value} of the entries still current).

    One round trip: the version is read with the entries, and remembered
    for the rest of the request.
    """
    keys = [_key(name) for name in names]
    version = getattr(_request_memo, "version", None)
    if version is None:
        found = cache.get_many([page_cache.VERSION_KEY, *keys])
        version = found.get(page_cache.VERSION_KEY)
        if version is None:
            cache.add(page_cache.VERSION_KEY, int(time.time() * 1000), timeout=None)
            version = cache.get(page_cache.VERSION_KEY)
        if getattr(_request_memo, "in_request", False):
            _request_memo.version = version
    else:
        found = cache.get_many(keys)
    now = time.time()
    values = {}
    for name, key in zip(names, keys, strict=True):
        entry = found.get(key)
        # (version made at, moment it expires or None, value)
        if entry is None or entry[0] != version:
            continue
        _made_at, until, value = entry
        if until is None or now < until:
            values[name] = value
    return version, values


def _write(cache, version, values, *, until, timeout):
    try:
        cache.set_many(
            {_key(name): (version, until, value) for name, value in values.items()},
            timeout=timeout,
        )
    except Exception as error:  # noqa: BLE001
        logger.warning("Could not remember entries in the shared cache: %s", error)


# The content version read first in a request serves the rest of it: a page
# is built from one version, with one cache read fewer per remembered part.
# Outside requests (commands, shells) every read asks the cache.
_request_memo = Local()


def _start_request(**kwargs):
    _request_memo.version = None
    _request_memo.in_request = True


def _end_request(**kwargs):
    _request_memo.version = None
    _request_memo.in_request = False


def forget_version():
    """Make the next read in this request ask the cache for the version."""
    _request_memo.version = None


request_started.connect(_start_request, dispatch_uid="folio-data-cache-start")
request_finished.connect(_end_request, dispatch_uid="folio-data-cache-end")
