"""Parts of pages remembered in the shared cache until content changes."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from publications.caching.surrogates import EVERYTHING, PUBLICATION_KEY_PREFIX
from publications.caching.versions import changed_at, changed_since, content_version

logger = logging.getLogger("folio")

# Longest a remembered part is kept; the content version usually ends it first.
REMEMBER_SECONDS = 24 * 60 * 60
# A "now" this far from the clock is a question about another moment.
PRESENT_TOLERANCE_SECONDS = 60
# A part brought up to date item by item is built afresh past this many
# changed keys (a live edit changes about 15).
MOST_CHANGED_KEYS = 1_000


def remember(name, build, *, now=None, in_process=False):
    """Return build(), remembered until the content version moves on.

    A *now* other than the present is never remembered. If the cache fails,
    build() runs and the page is served all the same.

    *in_process* also keeps the entry in this process, for large entries
    read on many pages (the listing's filter options): it is checked
    against the content version like any entry, but not fetched and
    unpickled on each read.
    """
    if now and abs((timezone.now() - now).total_seconds()) > PRESENT_TOLERANCE_SECONDS:
        return build()
    version = content_version()
    if in_process:
        kept = _in_process.get(name)
        if kept and kept[0] == version:
            return kept[1]
    found = _read(version, [name])
    if name in found:
        value = found[name]
    else:
        value = build()
        _write(version, {name: value})
    if in_process:
        _in_process[name] = (version, value)
    return value


def remember_each(names, build_missing, *, family=None, keys=None):
    """Return {name: value} for *names*, each remembered until content changes.

    One cache round trip reads them all; build_missing(missing names)
    returns {name: value} for those not remembered (a name it leaves out
    has no value).

    With *keys* ({name: surrogate keys of what its value shows}), a value
    counts until one of its own keys changes rather than until any public
    change: a card outlives changes to other items (one more query).

    Names made from what readers ask for (a combination of filters) name a
    *family*: at most FOLIO_REMEMBERED_VARIANTS entries of one family are
    written per content version, so no run of made-up combinations can
    fill the cache. Past that, values are built and served, not kept.
    """
    if not names:
        return {}
    version = content_version()
    if keys is None:
        values = _read(version, names)
    else:
        values = _read_current(names, keys)
    missing = [name for name in names if name not in values]
    if missing:
        built = build_missing(missing)
        values.update(built)
        if family is None or _take_variants(version, family, len(built)):
            _write(version, built)
    return values


def remember_updating(name, build, update, *, now=None, family=None):
    """Return build(), remembered across public changes and brought up to date.

    For parts that follow from each publication alone, such as which items
    a search matches: when some publications changed since the part was
    built, update(value, their ids) returns it up to date (or None to build
    it afresh) at the cost of those items, instead of build() for all of
    them. A change that is not one item's (EVERYTHING: a rename, a merge,
    many items due at one scheduled moment), or too many changes, builds it
    afresh. The value is then stored at the current version, as remember()
    stores it; *now* and *family* are as for remember() and remember_each().
    """
    if now and abs((timezone.now() - now).total_seconds()) > PRESENT_TOLERANCE_SECONDS:
        return build()
    version = content_version()
    built_at, value = _read_any([name]).get(name, (None, None))
    if built_at == version:
        return value
    if built_at is not None and built_at < version:
        value = _brought_up_to_date(value, built_at, update)
    else:
        value = None
    if value is None:
        value = build()
    if family is None or _take_variants(version, family, 1):
        _write(version, {name: value})
    return value


def _brought_up_to_date(value, built_at, update):
    changed = changed_since(built_at, most=MOST_CHANGED_KEYS)
    if changed is None or EVERYTHING in changed:
        return None
    publication_ids = {
        int(key.removeprefix(PUBLICATION_KEY_PREFIX))
        for key in changed
        if key.startswith(PUBLICATION_KEY_PREFIX)
        and key.removeprefix(PUBLICATION_KEY_PREFIX).isdigit()
    }
    return update(value, publication_ids) if publication_ids else value


def _key(name):
    return f"folio:data:{name}"


def _read(version, names):
    """Return {name: value} of the entries built at *version*."""
    return {
        name: value
        for name, (built_at, value) in _read_any(names).items()
        if built_at == version
    }


def _read_current(names, keys):
    """Return {name: value} of the entries none of whose *keys* changed since."""
    found = _read_any(names)
    if not found:
        return {}
    changed = changed_at({key for name in found for key in keys[name]})
    return {
        name: value
        for name, (built_at, value) in found.items()
        if all(changed.get(key, 0) <= built_at for key in (*keys[name], EVERYTHING))
    }


def _read_any(names):
    """Return {name: (version built at, value)} of the entries found."""
    keys = {_key(name): name for name in names}
    try:
        found = cache.get_many(list(keys))
    except Exception as error:  # noqa: BLE001 - a cache outage must not fail pages
        logger.warning("Shared cache unavailable, building afresh: %s", error)
        return {}
    return {
        keys[key]: entry
        for key, entry in found.items()
        if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], int)
    }


def _take_variants(version, family, count):
    """Count *count* more entries of *family*; False past the limit."""
    if not count:
        return True
    counter = f"folio:data-variants:{version}:{family}"
    try:
        cache.add(counter, 0, timeout=REMEMBER_SECONDS)
        return cache.incr(counter, count) <= settings.FOLIO_REMEMBERED_VARIANTS
    except ValueError:
        # The counter is gone already (evicted, or a cache that keeps
        # nothing): the entries are not counted, so not kept.
        return False
    except Exception as error:  # noqa: BLE001
        logger.warning("Could not count remembered entries: %s", error)
        return False


def _write(version, values):
    if not values:
        return
    try:
        cache.set_many(
            {_key(name): (version, value) for name, value in values.items()},
            timeout=REMEMBER_SECONDS,
        )
    except Exception as error:  # noqa: BLE001
        logger.warning("Could not remember entries in the shared cache: %s", error)


# Entries remembered with in_process=True, by name: (version, value).
_in_process = {}


def forget_in_process():
    """Drop the entries this process keeps (for tests that swap caches)."""
    _in_process.clear()
