"""Side doors: no surface reveals a draft, scheduled or expired item.

The hidden items share topics, an author, a series and a distinctive title
word ("Zanzibar") with live ones, are pinned to them, and have PDFs, so every
list, count, feed, sitemap, citation, search and file an anonymous reader
can reach has a reason to show them; none may.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from publications.caching import forget_in_process
from tests.factories import (
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
    pin,
    related_links,
)

pytestmark = pytest.mark.django_db

SECRET = "Confidential"  # in every hidden title, in no live one


def _hidden_and_live():
    now = timezone.now()
    author = make_author(name="Shared Author", slug="shared-author")
    series = make_series(title="Shared Series", slug="shared-series")
    shared = {"tags": ["Zanzibar", "Harbours"], "authors": [author]}
    live = [
        make_report(
            title="Zanzibar harbour report",
            slug="zanzibar-report",
            series=series,
            pdf=True,
            **shared,
        ),
        make_related(
            title="Zanzibar harbour analysis", slug="zanzibar-analysis", **shared
        ),
    ]
    hidden = [
        make_report(
            title=f"Zanzibar {SECRET} draft",
            slug="confidential-draft",
            series=series,
            published=False,
            pdf=True,
            **shared,
        ),
        make_report(
            title=f"Zanzibar {SECRET} scheduled",
            slug="confidential-scheduled",
            series=series,
            publish_at=now + timedelta(days=3),
            pdf=True,
            **shared,
        ),
        make_report(
            title=f"Zanzibar {SECRET} expired",
            slug="confidential-expired",
            series=series,
            publish_at=now - timedelta(days=30),
            unpublish_at=now - timedelta(days=1),
            pdf=True,
            **shared,
        ),
        make_related(
            title=f"Zanzibar {SECRET} analysis",
            slug="confidential-analysis",
            published=False,
            tags=["Secret topic"],  # used by no live item
            authors=[make_author(name="Secret Author", slug="secret-author")],
            **{"publish_at": now - timedelta(days=1)},
        ),
    ]
    for item in live:
        pin(item, *hidden)
    return live, hidden


def _surfaces(live):
    report = live[0]
    return [
        "/",
        "/publications/",
        "/publications/?q=Zanzibar",
        "/publications/?topic=zanzibar",
        "/publications/?author=shared-author",
        "/publications/?series=shared-series",
        report.get_absolute_url(),
        live[1].get_absolute_url(),
        "/authors/",
        "/authors/shared-author/",
        "/series/",
        "/series/shared-series/",
        "/topics/",
        "/topics/zanzibar/",
        reverse("publications:feed-latest"),
        reverse("publications:feed-latest-atom"),
        reverse("publications:feed-topic", args=["zanzibar"]),
        reverse("publications:feed-author", args=["shared-author"]),
        reverse("publications:feed-series", args=["shared-series"]),
        reverse("sitemap"),
        *(f"/sitemap-{section}.xml" for section in _sitemap_sections()),
        reverse("publications:report-bibtex", args=[report.slug]),
        reverse("publications:report-ris", args=[report.slug]),
    ]


def _sitemap_sections():
    from publications.sitemaps import SITEMAPS

    return SITEMAPS


def _option_count(content, value):
    """Return the count in the filter option "Name (n)" for *value*."""
    match = re.search(rf'<option value="{value}"[^>]*>[^<]*\((\d+)\)</option>', content)
    assert match, value
    return int(match.group(1))


def test_no_surface_reveals_an_item_that_is_not_live_to_a_reader():
    live, hidden = _hidden_and_live()
    reader = Client()

    for url in _surfaces(live):
        response = reader.get(url)
        assert response.status_code == 200, url
        content = b"".join(getattr(response, "streaming_content", [])).decode() or (
            response.content.decode()
        )
        assert SECRET not in content, url
        assert "Secret topic" not in content, url
        assert "Secret Author" not in content, url
        for item in hidden:
            assert item.slug not in content, (url, item.slug)

    # Counts in the filters, lists and related blocks are of live items only.
    listing = reader.get("/publications/").content.decode()
    assert _option_count(listing, "zanzibar") == 2
    assert _option_count(listing, "shared-author") == 2
    assert _option_count(listing, "shared-series") == 1
    assert _option_count(listing, "special-report") == 1
    assert "2 publications" in reader.get("/topics/").content.decode()
    assert "1 report" in reader.get("/series/").content.decode()
    related = related_links(reader.get(live[0].get_absolute_url()))
    assert [href for href, _title in related] == ["/publications/zanzibar-analysis/"]
    # Rendered afresh, not from the page cache, to read the view's context.
    cache.clear()
    forget_in_process()
    search = reader.get("/publications/", {"q": "Zanzibar"}).context["page_obj"]
    assert not reader.get("/publications/", {"q": SECRET}).context["page_obj"]
    assert sorted(item.slug for item in search) == [
        "zanzibar-analysis",
        "zanzibar-report",
    ]

    # Pages, files and citations of hidden items, and what only they use.
    for item in hidden:
        for url in (
            item.get_absolute_url(),
            reverse("publications:report-pdf", args=[item.slug]),
            reverse("publications:report-bibtex", args=[item.slug]),
            reverse("publications:report-ris", args=[item.slug]),
        ):
            assert reader.get(url).status_code == 404, url
    for url in ("/topics/secret-topic/", "/authors/secret-author/"):
        assert reader.get(url).status_code == 404, url
    assert (
        reader.get(reverse("publications:report-pdf", args=[live[0].slug])).status_code
        == 200
    )

    # The staff export: a login page for readers, refused to staff without the
    # export permission; never the rows.
    export = reverse("publication-export") + "?status=all&download=csv"
    response = reader.get(export)
    assert response.status_code == 302 and "/login/" in response["Location"]
    member = get_user_model().objects.create_user("member", password="pass")
    outsider = Client()
    outsider.force_login(member)
    assert outsider.get(export).status_code == 302
    contributor = Client()
    contributor.force_login(make_user(role="Contributors"))
    response = contributor.get(export)
    assert response.status_code == 403
    assert SECRET not in response.content.decode()
    response = contributor.get(
        reverse("admin:publications_report_export") + "?format=0"
    )
    assert response.status_code == 403
