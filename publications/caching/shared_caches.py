"""Let a shared HTTP cache (Varnish, a CDN) keep public pages, with their keys."""

import math

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control

from publications.caching.pages import (
    is_cacheable_response,
    is_page_cache_request,
    is_public_request,
)
from publications.caching.purge_backends import purge_backend
from publications.caching.surrogates import page_keys
from publications.caching.versions import (
    content_version,
    is_current,
    next_scheduled_change,
    version_read_in_request,
)


class SharedCacheHeadersMiddleware:
    """Mark the pages the page cache may keep as storable by a shared cache.

    Only when a purge backend is configured (publications.caching.purges):
    such a page gets s-maxage (FOLIO_HTTP_CACHE_SECONDS, cut short to the
    next moment a scheduled item goes live or leaves) and the surrogate
    keys of what it shows. A page built while a change committed is not
    marked: the purge of that change may have passed already. Anything
    else, such as pages for signed-in staff and responses setting cookies,
    never is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        backend = purge_backend()
        if backend is None or not is_public_request(request):
            return self.get_response(request)
        # The page cache below reads the content version before it serves or
        # builds a page, in the request's one query; only without it is
        # the version read here (a second query on every hit, otherwise).
        version = None if is_page_cache_request(request) else content_version()
        response = self.get_response(request)
        if not is_cacheable_response(request, response):
            return response
        if version is None:
            version = version_read_in_request()
            if version is None:
                # Nothing tells what the page was built from: not marked.
                return response
        next_change_at = next_scheduled_change()
        keys = page_keys(request)
        if response.get("X-Cache") != "hit" and not is_current(keys, version):
            # Built while a change to what it shows committed (a page cache
            # hit was checked as it was served).
            return response
        seconds = settings.FOLIO_HTTP_CACHE_SECONDS
        if next_change_at is not None:
            until = (next_change_at - timezone.now()).total_seconds()
            seconds = min(seconds, math.floor(until))
        if seconds <= 0:
            return response
        patch_cache_control(response, s_maxage=seconds)
        name, value = backend.header(keys)
        response[name] = value
        return response
