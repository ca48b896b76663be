"""Public URLs: absolute ones at the site's configured address, and fast slug links."""

import re
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# What Django's "slug" path converter accepts; other slugs go through reverse().
_ASCII_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "folio-slug-placeholder"
# What reverse() leaves unquoted in a path.
_SLUG_SAFE = RFC3986_SUBDELIMS + "/~:@"
# An address that already names its scheme, such as an external URL.
_HAS_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")


def site_url():
    """Return FOLIO_SITE_URL, the site's public address, without a final slash.

    Every absolute link starts here and never at the request's Host or
    X-Forwarded-* headers: feeds and sitemaps are kept in the page cache,
    so one request with a stray Host would otherwise choose the links every
    later reader gets.
    """
    return settings.FOLIO_SITE_URL.rstrip("/")


def absolute_url(path):
    """Return *path* on the public site (see site_url); "" stays "".

    An address with a scheme, such as a related publication's external URL,
    is returned as it is.
    """
    if not path:
        return ""
    if path[0] != "/" and _HAS_SCHEME.match(path):
        return path
    return site_url() + "/" + path.lstrip("/")


def slug_url(viewname, slug):
    """Return reverse(viewname, kwargs={"slug": slug}), without its cost.

    A report page links to dozens of authors, topics and publications, and
    reverse() takes about 25 microseconds each; the URL around the slug is
    found once per view name, script prefix and URLconf instead.
    """
    if not isinstance(slug, str) or not _ASCII_SLUG.fullmatch(slug):
        return reverse(viewname, kwargs={"slug": slug})
    head, tail = _around_slug(viewname, get_script_prefix(), get_urlconf())
    return f"{head}{quote(slug, safe=_SLUG_SAFE)}{tail}"


def slug_url_function(viewname):
    """Return a function of a slug that gives slug_url(viewname, slug).

    For the many links of one request or command, such as an export's rows:
    the script prefix and URLconf, which take longer to read than the rest
    of slug_url (two context-local lookups), are read once, here. The slug
    is not checked against the URL pattern, so that an export lists even a
    slug saved around the admin's checks; every character a valid slug
    cannot hold is quoted, so the path stays one segment.
    """
    head, tail = _around_slug(viewname, get_script_prefix(), get_urlconf())

    def url(slug):
        return f"{head}{quote(slug, safe='')}{tail}"

    return url


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
