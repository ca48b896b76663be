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


def remember(name, build, *, now=None, in_process=False):
    """Return build(), kept in the shared cache until content changes.

    The entry holds the content version of publications.page_cache, which
    every save of content moves on, and the next moment a scheduled item
    goes live or leaves, after which it is built afresh. A *now* other than
    the present is never cached. Without a shared cache, or if it fails,
    build() runs every time.

    *in_process* also keeps the entry in this process, for large entries
    read on many pages (the listing's filter options): it is still checked
    against the shared content version on every read, so it is as fresh as
    the shared entry, but it is not fetched and unpickled each time.
    """
    cache = shared_cache()
    real_now = timezone.now()
    if cache is None or (
        now and abs((real_now - now).total_seconds()) > PRESENT_TOLERANCE_SECONDS
    ):
        return build()
    try:
        if in_process:
            kept = _in_process.get(name)
            if kept and _is_current(kept, _content_version(cache)):
                return kept[2]
        version, found = _read(cache, [name])
    except Exception as error:  # noqa: BLE001 - a cache outage must not fail pages
        logger.warning("Shared cache unavailable, reading afresh: %s", error)
        return build()
    if name in found:
        entry = found[name]
    else:
        change = Publication.objects.next_state_change(now=now or real_now)
        entry = (version, change.timestamp() if change else None, build())
        timeout = REMEMBER_SECONDS
        if entry[1] is not None:
            timeout = max(1, min(timeout, int(entry[1] - time.time()) + 1))
        _write(cache, {name: entry}, timeout=timeout)
    if in_process:
        _in_process[name] = entry
    return entry[2]


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
        version, found = _read(cache, names)
    except Exception as error:  # noqa: BLE001
        logger.warning("Shared cache unavailable, reading afresh: %s", error)
        return build_missing(list(names))
    values = {name: entry[2] for name, entry in found.items()}
    missing = [name for name in names if name not in values]
    if missing:
        built = build_missing(missing)
        values.update(built)
        entries = {name: (version, None, value) for name, value in built.items()}
        _write(cache, entries, timeout=seconds)
    return values


def _key(name):
    return f"folio:data:{name}"


def _is_current(entry, version):
    """Tell whether *entry*, (version made at, expiry or None, value), holds."""
    made_at, until, _value = entry
    return made_at == version and (until is None or time.time() < until)


def _content_version(cache):
    """Return the content version, read once per request."""
    version = getattr(_request_memo, "version", None)
    if version is None:
        version = cache.get(page_cache.VERSION_KEY)
        if version is None:
            cache.add(page_cache.VERSION_KEY, int(time.time() * 1000), timeout=None)
            version = cache.get(page_cache.VERSION_KEY)
        _remember_for_request(version)
    return version


def _remember_for_request(version):
    if getattr(_request_memo, "in_request", False):
        _request_memo.version = version


def _read(cache, names):
    """Return (content version, {name: entry} of the entries still current).

    One round trip: the version is read with the entries, and remembered
    for the rest of the request.
    """
    keys = [_key(name) for name in names]
    version = getattr(_request_memo, "version", None)
    if version is None:
        found = cache.get_many([page_cache.VERSION_KEY, *keys])
        version = found.get(page_cache.VERSION_KEY)
        if version is None:
            version = _content_version(cache)
        _remember_for_request(version)
    else:
        found = cache.get_many(keys)
    entries = {}
    for name, key in zip(names, keys, strict=True):
        entry = found.get(key)
        if entry is not None and _is_current(entry, version):
            entries[name] = entry
    return version, entries


def _write(cache, entries, *, timeout):
    try:
        cache.set_many(
            {_key(name): entry for name, entry in entries.items()}, timeout=timeout
        )
    except Exception as error:  # noqa: BLE001
        logger.warning("Could not remember entries in the shared cache: %s", error)


# Entries remembered with in_process=True, by name: (version, expiry, value).
_in_process = {}


def forget_in_process():
    """Drop the entries this process keeps (for tests that swap caches)."""
    _in_process.clear()


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
