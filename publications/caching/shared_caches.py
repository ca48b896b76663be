"""Let a shared HTTP cache (Varnish, a CDN) keep public pages, with their keys."""

import math

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control

from publications.caching.pages import is_cacheable_response, is_public_request
from publications.caching.purge_backends import purge_backend
from publications.caching.surrogates import page_keys
from publications.caching.versions import content_version, version_and_next_change


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
        version = content_version()
        response = self.get_response(request)
        if not is_cacheable_response(request, response):
            return response
        seconds = _seconds_fresh(version)
        if seconds <= 0:
            return response
        patch_cache_control(response, s_maxage=seconds)
        name, value = backend.header(page_keys(request))
        response[name] = value
        return response


def _seconds_fresh(version_at_start):
    """Return how long a page built at *version_at_start* may be kept, or 0."""
    version, next_change_at = version_and_next_change()
    if version != version_at_start:
        return 0
    seconds = settings.FOLIO_HTTP_CACHE_SECONDS
    if next_change_at is not None:
        until = (next_change_at - timezone.now()).total_seconds()
        seconds = min(seconds, math.floor(until))
    return seconds
