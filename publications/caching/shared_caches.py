"""Let a shared HTTP cache (Varnish, a CDN) keep public pages, with their keys."""

import math
import threading
from collections import OrderedDict

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control

from publications.caching.pages import is_cacheable_response, is_public_request
from publications.caching.purge_backends import purge_backend
from publications.caching.surrogates import page_keys
from publications.caching.versions import (
    content_version,
    forget_version,
    next_scheduled_change,
)

# Pages whose keys this process remembers, for the content version they
# were read at (a few hundred bytes each).
KEYS_REMEMBERED = 1000


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
        next_change_at = next_scheduled_change()
        response = self.get_response(request)
        if not is_cacheable_response(request, response):
            return response
        if response.get("X-Cache") != "hit" and _changed_since(version):
            # Built while a change committed (a page cache hit is served
            # as it was stored, in an instant).
            return response
        seconds = settings.FOLIO_HTTP_CACHE_SECONDS
        if next_change_at is not None:
            until = (next_change_at - timezone.now()).total_seconds()
            seconds = min(seconds, math.floor(until))
        if seconds <= 0:
            return response
        patch_cache_control(response, s_maxage=seconds)
        name, value = backend.header(_keys.get(request, version))
        response[name] = value
        return response


def _changed_since(version):
    forget_version()
    return content_version() != version


class _RememberedKeys:
    """The surrogate keys of the pages this process served last, per version."""

    def __init__(self):
        self._keys = OrderedDict()
        self._lock = threading.Lock()

    def get(self, request, version):
        path = request.path_info
        with self._lock:
            entry = self._keys.get(path)
            if entry is not None and entry[0] == version:
                self._keys.move_to_end(path)
                return entry[1]
        keys = page_keys(request)
        with self._lock:
            self._keys[path] = (version, keys)
            self._keys.move_to_end(path)
            while len(self._keys) > KEYS_REMEMBERED:
                self._keys.popitem(last=False)
        return keys


_keys = _RememberedKeys()
