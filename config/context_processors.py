"""Template context shared by every page."""

from django.conf import settings

from core.links import site_url


def site(request):
    """Add the institute's name and public base URL to every template."""
    return {
        "site_name": settings.FOLIO_SITE_NAME,
        "site_url": site_url(),
        "site_description": settings.FOLIO_SITE_DESCRIPTION,
    }
