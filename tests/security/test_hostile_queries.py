"""Hostile query strings and slugs never make a listing, feed or filter fail.

Every listing and filter URL gets each hostile value in every parameter it
reads (and parameters it doesn't), then whole hostile query strings; any
answer but a server error is fine: the page, a redirect, a 400 or a 404.
"""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
)
from tests.security.payloads import HOSTILE_QUERIES, HOSTILE_VALUES

pytestmark = pytest.mark.django_db

PARAMETERS = (
    "page", "p", "q", "type", "topic", "series", "author", "year", "since",
    "until", "o", "state", "status", "download", "year_from", "year_to",
    "publish_at__year", "publish_at__month", "all", "_popup", "_to_field",
)  # fmt: skip

PUBLIC_URLS = {
    "home": lambda: reverse("publications:home"),
    "publications": lambda: reverse("publications:publication-list"),
    "authors": lambda: reverse("publications:author-list"),
    "author": lambda: reverse("publications:author-detail", args=["ann-author"]),
    "series-list": lambda: reverse("publications:series-list"),
    "series": lambda: reverse("publications:series-detail", args=["water-series"]),
    "topics": lambda: reverse("publications:topic-list"),
    "topic": lambda: reverse("publications:topic-detail", args=["water"]),
    "feed": lambda: reverse("publications:feed-latest"),
    "feed-atom": lambda: reverse("publications:feed-latest-atom"),
    "feed-topic": lambda: reverse("publications:feed-topic", args=["water"]),
    "feed-author": lambda: reverse("publications:feed-author", args=["ann-author"]),
    "feed-series": lambda: reverse("publications:feed-series", args=["water-series"]),
    "sitemap": lambda: reverse("sitemap"),
    "sitemap-section": lambda: "/sitemap-publications.xml",
}
ADMIN_URLS = {
    "reports": lambda: reverse("admin:publications_report_changelist"),
    "related": lambda: reverse("admin:publications_relatedpublication_changelist"),
    "authors": lambda: reverse("admin:authors_author_changelist"),
    "series": lambda: reverse("admin:publications_series_changelist"),
    "topics": lambda: reverse("admin:taggit_tag_changelist"),
    "types": lambda: reverse("admin:publications_publicationtype_changelist"),
    "export": lambda: reverse("publication-export"),
}
# Slugs in the path of the pages and feeds that take one.
SLUG_ROUTES = (
    "publications:author-detail",
    "publications:series-detail",
    "publications:topic-detail",
    "publications:publication-detail",
    "publications:report-pdf",
    "publications:report-bibtex",
    "publications:report-ris",
    "publications:feed-topic",
    "publications:feed-author",
    "publications:feed-series",
)
HOSTILE_SLUGS = [
    "no-such-slug",
    "draft-report",
    "ünïcödé",
    "İstanbul",
    "%00",
    "%ED%A0%80",
    "%FF%FE",
    "' OR 1=1--",
    "..%2F..%2Fetc%2Fpasswd",
    "<script>alert(1)<%2Fscript>",
    "a" * 10_240,
    "9" * 40,
]


@pytest.fixture
def site():
    """Live and draft items that the hostile parameters could reach."""
    author = make_author(name="Ann Author", slug="ann-author")
    series = make_series(title="Water series", slug="water-series")
    make_report(
        title="Water report",
        slug="water-report",
        tags=["Water"],
        authors=[author],
        series=series,
        pdf=True,
    )
    make_report(title="Draft", slug="draft-report", tags=["Water"], published=False)
    make_related(title="Water analysis", tags=["Water"], authors=[author])


def _query_strings():
    for value in HOSTILE_VALUES:
        yield urlencode({name: value for name in PARAMETERS})
    yield from HOSTILE_QUERIES


def _server_errors(client, path):
    failures = []
    for query in _query_strings():
        response = client.get(f"{path}?{query}")
        if response.status_code >= 500:
            failures.append((path, query[:120], response.status_code))
    return failures


def test_there_are_enough_hostile_inputs():
    assert len(HOSTILE_VALUES) >= 40
    assert len(list(_query_strings())) >= 60


@pytest.mark.parametrize("name", PUBLIC_URLS)
def test_public_listings_and_feeds_never_fail(site, name):
    client = Client(raise_request_exception=False)

    assert _server_errors(client, PUBLIC_URLS[name]()) == []


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_admin_change_lists_and_export_never_fail_for_an_editor(site, name):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(role="Editors"))

    assert _server_errors(client, ADMIN_URLS[name]()) == []


@pytest.mark.parametrize("route", SLUG_ROUTES)
def test_hostile_slugs_are_not_found_never_a_failure(site, route):
    client = Client(raise_request_exception=False)
    template = reverse(route, args=["SLUG"])
    answers = {
        slug: client.get(template.replace("SLUG", quote(slug, safe="%'"))).status_code
        for slug in HOSTILE_SLUGS
    }

    assert {slug: code for slug, code in answers.items() if code >= 500} == {}
    assert answers["no-such-slug"] == 404
    assert answers["draft-report"] == 404
