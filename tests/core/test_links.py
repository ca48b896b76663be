"""slug_url gives exactly what reverse() gives, only faster."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.links import (
    absolute_url,
    fixed_url,
    site_url,
    slug_url,
    slug_url_function,
)

VIEWS = [
    "publications:publication-detail",
    "publications:author-detail",
    "publications:series-detail",
    "publications:topic-detail",
]


@pytest.mark.parametrize("viewname", VIEWS)
@pytest.mark.parametrize("slug", ["water", "a-b_c-9", "x"])
def test_matches_reverse(viewname, slug):
    assert slug_url(viewname, slug) == reverse(viewname, kwargs={"slug": slug})


def test_unicode_topic_slugs_are_quoted_as_reverse_quotes_them():
    expected = reverse("publications:topic-detail", kwargs={"slug": "énergie"})

    assert slug_url("publications:topic-detail", "énergie") == expected
    assert expected == "/topics/%C3%A9nergie/"


def test_follows_the_script_prefix():
    set_script_prefix("/folio/")
    try:
        url = slug_url("publications:author-detail", "ann")
    finally:
        set_script_prefix("/")

    assert url == "/folio/authors/ann/"
    assert slug_url("publications:author-detail", "ann") == "/authors/ann/"


@pytest.mark.parametrize("slug", ["", "a b", "a/b"])
def test_refuses_what_reverse_refuses(slug):
    with pytest.raises(NoReverseMatch):
        slug_url("publications:publication-detail", slug)


@pytest.mark.parametrize(
    "viewname",
    ["publications:home", "publications:topic-list", "publications:feed-latest"],
)
def test_fixed_url_matches_reverse_and_follows_the_script_prefix(viewname):
    assert fixed_url(viewname) == reverse(viewname)
    set_script_prefix("/folio/")
    try:
        assert fixed_url(viewname) == reverse(viewname)
        assert fixed_url(viewname).startswith("/folio/")
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize(
    ("site", "path", "expected"),
    [
        ("https://folio.example.org", "/authors/ann/", "https://folio.example.org/authors/ann/"),
        ("https://folio.example.org/", "/authors/ann/", "https://folio.example.org/authors/ann/"),
        ("https://example.org/folio", "/sitemap.xml", "https://example.org/folio/sitemap.xml"),
        ("https://folio.example.org", "", ""),
        ("https://folio.example.org", "https://elsewhere.example.net/a", "https://elsewhere.example.net/a"),
        ("https://folio.example.org", "/go?to=https://x.example/", "https://folio.example.org/go?to=https://x.example/"),
    ],
)  # fmt: skip
def test_absolute_url_starts_at_the_configured_address(settings, site, path, expected):
    settings.FOLIO_SITE_URL = site

    assert absolute_url(path) == expected
    assert site_url() == site.rstrip("/")


@pytest.mark.parametrize("slug", ["water", "a-b_c-9", "énergie"])
def test_slug_url_function_matches_reverse(slug):
    url = slug_url_function("publications:topic-detail")

    assert url(slug) == reverse("publications:topic-detail", kwargs={"slug": slug})


def test_slug_url_function_keeps_an_odd_slug_in_one_quoted_segment():
    url = slug_url_function("publications:publication-detail")

    assert url("=1+1/pdf") == "/publications/%3D1%2B1%2Fpdf/"
