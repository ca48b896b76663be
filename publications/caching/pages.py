"""Whole public pages for anonymous readers, kept in the shared cache."""

import hashlib
import logging
import pickle
import threading
from collections import OrderedDict
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import QueryDict
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date, parse_http_date_safe

from core.middleware import set_checksum_etag
from publications.caching.surrogates import add_page_keys, page_keys
from publications.caching.versions import content_version, is_current

logger = logging.getLogger("folio")

# The query parameters public pages read: the listing's filters, page and
# order of search results (sort), and the sitemaps' page (p). Any other is
# dropped before the view sees the request, so it can neither change a page
# nor make a new cache entry; the rest are put in one order, so ?b=1&a=2 is
# ?a=2&b=1.
PAGE_PARAMETERS = (
    "author",
    "p",
    "page",
    "q",
    "series",
    "sort",
    "topic",
    "type",
    "year",
)

# The request headers get_conditional_response() reads.
_CONDITIONAL_HEADERS = frozenset(
    {
        "HTTP_IF_MATCH",
        "HTTP_IF_NONE_MATCH",
        "HTTP_IF_MODIFIED_SINCE",
        "HTTP_IF_UNMODIFIED_SINCE",
    }
)

_UNCACHED_PREFIXES = (
    "/admin/",
    "/healthz",
    "/static/",
    "/media/",
    "/api/",
    "/oai",
    "/favicon.ico",
)


class PublicPageCacheMiddleware:
    """Serve GET pages to readers who are not signed in from the shared cache.

    Anyone signed in (staff, and so every preview) is neither served from
    nor stored in the cache. A page is stored with the content version it
    was built at and the surrogate keys of what it shows, and counts only
    while none of those keys has changed since (one query per hit,
    publications.caching.versions); if the cache fails, pages are built
    afresh.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_page_cache_request(request):
            return self.get_response(request)
        # A host not in ALLOWED_HOSTS is refused (400) here as it is below.
        request.get_host()
        _keep_known_parameters(request)
        key = page_key(request)
        # Checking a stored page reads the content version too: one query.
        cached = _current_entry(key)
        if cached is not None:
            _built_at, keys, response = cached
            # The shared HTTP cache's headers name the same keys.
            add_page_keys(request, keys)
            response["X-Cache"] = "hit"
            if _CONDITIONAL_HEADERS.isdisjoint(request.META):
                return response  # Nothing to compare: spare parsing the dates.
            return get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                response=response,
            )
        # Read before the page is built: what it shows is at least as new.
        version = content_version()
        response = self.get_response(request)
        if is_cacheable_response(request, response):
            response["Last-Modified"] = http_date()
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if not response.has_header("ETag"):
                set_checksum_etag(response)
            entry = (version, frozenset(page_keys(request)), response)
            response["X-Cache"] = "miss" if _store(request, key, entry) else "skip"
        return response


def page_key(request):
    """Return the cache key of the page *request* asks for."""
    path = request.path + "?" + request.META.get("QUERY_STRING", "")
    return "folio:page:" + hashlib.sha256(path.encode()).hexdigest()


def _keep_known_parameters(request):
    """Make the request carry only PAGE_PARAMETERS, one value each, in order."""
    if not request.META.get("QUERY_STRING"):
        return  # Most requests: nothing to drop or reorder.
    known = QueryDict(mutable=True)
    for name in PAGE_PARAMETERS:
        value = request.GET.get(name, "")
        if value:
            known[name] = value
    query = known.urlencode()
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query


def _current_entry(key):
    """Return the stored entry at *key* if none of its keys changed since."""
    stale = None
    entry = _recent_pages.get(key)
    if entry is not None:
        if is_current(entry[1], entry[0]):
            return entry
        _recent_pages.forget(key)
        stale = entry[:2]
    try:
        entry = cache.get(key)
    except Exception as error:  # noqa: BLE001 - an outage must not fail pages
        logger.warning("Page cache unavailable, serving uncached: %s", error)
        return None
    if not _is_entry(entry) or entry[:2] == stale:
        # The shared copy of the page just found stale needs no second look.
        return None
    if not is_current(entry[1], entry[0]):
        return None
    _recent_pages.put(key, entry)
    return entry


def _is_entry(entry):
    # (version built at, keys, response); anything else (an entry of an
    # older Folio, say) is a miss.
    return (
        isinstance(entry, tuple)
        and len(entry) == 3
        and isinstance(entry[0], int)
        and isinstance(entry[1], frozenset)
    )


def _store(request, key, entry):
    """Store *entry*; return False if the path has too many variants."""
    try:
        if request.META["QUERY_STRING"] and not _take_variant(request, entry[0]):
            return False
        cache.set(key, entry, timeout=settings.FOLIO_PAGE_CACHE_SECONDS)
        _recent_pages.put(key, entry)
    except Exception as error:  # noqa: BLE001
        logger.warning("Could not store a page in the cache: %s", error)
        return False
    return True


def _take_variant(request, version):
    """Count one more stored variant of this path; False past the limit.

    Each path keeps at most FOLIO_PAGE_CACHE_VARIANTS pages with a query
    string per content version, so no run of made-up filter values can
    fill the cache.
    """
    digest = hashlib.sha256(request.path.encode()).hexdigest()[:32]
    counter = f"folio:page-variants:{version}:{digest}"
    cache.add(counter, 0, timeout=settings.FOLIO_PAGE_CACHE_SECONDS)
    return cache.incr(counter) <= settings.FOLIO_PAGE_CACHE_VARIANTS


def is_page_cache_request(request):
    """Return True if the page cache serves or keeps *request*'s page."""
    return settings.FOLIO_PAGE_CACHE_SECONDS > 0 and is_public_request(request)


def is_public_request(request):
    """Return True if *request* reads a public page and is not signed in."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(_UNCACHED_PREFIXES)
        and not request.path.endswith("/pdf/")
        and not _is_signed_in(request)
    )


def _is_signed_in(request):
    """Return True if the request carries the session of a signed-in user.

    A made-up, expired or anonymous session cookie is served like no cookie
    at all, so it cannot be used to skip the cache. If the session store
    cannot answer, the request is treated as signed in: it is built afresh.
    """
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    try:
        return bool(session.get(SESSION_KEY))
    except Exception:  # noqa: BLE001
        return True


def is_cacheable_response(request, response):
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class _RecentPages:
    """The pages this process served or stored last, for hits without Redis.

    At most FOLIO_PAGE_CACHE_IN_PROCESS pages, least recently used out
    first, kept pickled so each hit gets a response of its own. Each is
    checked as an entry of the shared cache is: a change committed
    anywhere to one of its keys makes it stale here too.
    """

    def __init__(self):
        self._pages = OrderedDict()
        # Threaded servers (runserver, gunicorn --threads) share it.
        self._lock = threading.Lock()

    def get(self, key):
        """Return a fresh copy of the entry at *key*, or None."""
        with self._lock:
            pickled = self._pages.get(key)
            if pickled is None:
                return None
            self._pages.move_to_end(key)
        return pickle.loads(pickled)

    def put(self, key, entry):
        limit = settings.FOLIO_PAGE_CACHE_IN_PROCESS
        if limit <= 0:
            return
        pickled = pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._pages[key] = pickled
            self._pages.move_to_end(key)
            while len(self._pages) > limit:
                self._pages.popitem(last=False)

    def forget(self, key):
        with self._lock:
            self._pages.pop(key, None)

    def clear(self):
        with self._lock:
            self._pages.clear()


_recent_pages = _RecentPages()


def forget_recent_pages():
    """Drop the pages this process keeps (for tests that swap caches)."""
    _recent_pages.clear()
