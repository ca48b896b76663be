"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """Add the institute's name and public base URL to every template."""
    return {
        "site_name": settings.FOLIO_SITE_NAME,
        "site_url": settings.FOLIO_SITE_URL.rstrip("/"),
        "site_description": settings.FOLIO_SITE_DESCRIPTION,
    }
