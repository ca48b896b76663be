"""Serve public pages to anonymous readers from the shared page cache."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from publications.data_cache import shared_cache
from publications.page_cache import page_key, versioned_get

logger = logging.getLogger("folio")

_UNCACHED_PREFIXES = ("/admin/", "/healthz", "/static/", "/media/")


class PublicPageCacheMiddleware:
    """Cache whole GET pages for readers without a session.

    Only with a cache every app server shares (Redis). Staff carry a session
    cookie, so their pages (and previews of drafts) are neither served from
    nor stored in the cache. If the cache is unreachable, pages are built as
    usual and a warning is logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._is_cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        try:
            version, entry = versioned_get(key)
        except Exception as error:  # noqa: BLE001 - a cache outage must not fail pages
            logger.warning("Page cache unavailable, serving uncached: %s", error)
            return self.get_response(request)
        if entry is not None and entry[0] == version:
            cached = entry[1]
            cached["X-Cache"] = "hit"
            return get_conditional_response(
                request,
                etag=cached.get("ETag"),
                last_modified=parse_http_date_safe(cached.get("Last-Modified", "")),
                response=cached,
            )
        response = self.get_response(request)
        if self._is_cacheable_response(request, response):
            response["Last-Modified"] = http_date()
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            try:
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                if not response.has_header("ETag"):
                    set_response_etag(response)
                cache.set(
                    key, (version, response), timeout=settings.FOLIO_PAGE_CACHE_SECONDS
                )
            except Exception as error:  # noqa: BLE001
                logger.warning("Could not store a page in the cache: %s", error)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _is_cacheable_request(request):
        return (
            settings.FOLIO_PAGE_CACHE_SECONDS > 0
            # A per-process cache would keep pages other workers made stale.
            and shared_cache() is not None
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(_UNCACHED_PREFIXES)
            and not request.path.endswith("/pdf/")
        )

    @staticmethod
    def _is_cacheable_response(request, response):
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )
