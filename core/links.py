"""Public URLs: absolute ones for places without a request, and fast slug links."""

import re
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# What Django's "slug" path converter accepts; other slugs go through reverse().
_ASCII_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "folio-slug-placeholder"


def absolute_url(path):
    """Return *path* joined to FOLIO_SITE_URL, the site's public address."""
    if not path:
        return ""
    if "://" in path:
        return path
    return settings.FOLIO_SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def slug_url(viewname, slug):
    """Return reverse(viewname, kwargs={"slug": slug}), without its cost.

    A report page links to dozens of authors, topics and publications, and
    reverse() takes about 25 microseconds each; the URL around the slug is
    found once per view name, script prefix and URLconf instead.
    """
    if not isinstance(slug, str) or not _ASCII_SLUG.fullmatch(slug):
        return reverse(viewname, kwargs={"slug": slug})
    head, tail = _around_slug(viewname, get_script_prefix(), get_urlconf())
    return f"{head}{quote(slug, safe=RFC3986_SUBDELIMS + '/~:@')}{tail}"


def fixed_url(viewname):
    """Return reverse(viewname) for a URL without arguments, found once."""
    return _fixed_url(viewname, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=128)
def _fixed_url(viewname, script_prefix, urlconf):
    # script_prefix is part of the key: reverse() reads it itself.
    return reverse(viewname, urlconf=urlconf)


@lru_cache(maxsize=128)
def _around_slug(viewname, script_prefix, urlconf):
    # script_prefix is part of the key: reverse() reads it itself.
    url = reverse(viewname, kwargs={"slug": _PLACEHOLDER}, urlconf=urlconf)
    head, _placeholder, tail = url.partition(_PLACEHOLDER)
    return head, tail
