"""Absolute public URLs, for places that have no request (feeds, exports)."""

from django.conf import settings


def absolute_url(path):
    """Return *path* joined to FOLIO_SITE_URL, the site's public address."""
    if not path:
        return ""
    if "://" in path:
        return path
    return settings.FOLIO_SITE_URL.rstrip("/") + "/" + path.lstrip("/")
