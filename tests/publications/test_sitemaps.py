"""robots.txt and the sitemap: every live page, nothing else."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_author, make_related, make_report, make_series

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_locations(client):
    """Return every <loc> of every section, checking required elements."""
    index = client.get(reverse("sitemap"))
    assert index.status_code == 200
    root = ET.fromstring(index.content)
    assert root.tag == f"{NS}sitemapindex"
    locations = {}
    for sitemap in root.findall(f"{NS}sitemap"):
        section_url = sitemap.findtext(f"{NS}loc")
        assert section_url.startswith("http")
        path = "/" + section_url.split("://", 1)[1].split("/", 1)[1]
        section = client.get(path)
        assert section.status_code == 200
        urlset = ET.fromstring(section.content)
        assert urlset.tag == f"{NS}urlset"
        for url in urlset.findall(f"{NS}url"):
            loc = url.findtext(f"{NS}loc")
            assert loc.startswith("http")
            locations[loc.split("://", 1)[1].split("/", 1)[1]] = url.findtext(
                f"{NS}lastmod"
            )
    return {f"/{path}": lastmod for path, lastmod in locations.items()}


def test_sitemap_lists_every_live_page_with_lastmod(client):
    author = make_author(name="Ann Lee")
    series = make_series(title="Borders")
    report = make_report(authors=[author], series=series, tags=["Water"])
    related = make_related(tags=["Water"])

    locations = sitemap_locations(client)

    for path in (
        report.get_absolute_url(),
        related.get_absolute_url(),
        author.get_absolute_url(),
        series.get_absolute_url(),
        reverse("publications:topic-detail", kwargs={"slug": "water"}),
    ):
        assert path in locations
        assert locations[path], f"{path} has no lastmod"


def test_sitemap_leaves_out_drafts_scheduled_and_external_items(client):
    now = timezone.now()
    draft = make_report(published=False, tags=["Hidden topic"])
    scheduled = make_related(publish_at=now + timedelta(days=1))
    external = make_related(external_url="https://example.org/elsewhere")
    only_draft_author = make_author(name="Draft Only")
    make_report(published=False, authors=[only_draft_author])

    locations = sitemap_locations(client)

    for item in (draft, scheduled, external):
        assert item.get_absolute_url() not in locations
    assert only_draft_author.get_absolute_url() not in locations
    assert "/topics/hidden-topic/" not in locations


@pytest.mark.parametrize("count", [3, 15])
def test_sitemap_query_count_does_not_grow_with_items(
    client, count, django_assert_max_num_queries
):
    for number in range(count):
        make_report(authors=[make_author()], tags=[f"Topic {number}", "Common"])
    # The content version, then the count and the rows.
    with django_assert_max_num_queries(3):
        response = client.get("/sitemap-publications.xml")
    assert response.content.count(b"<url>") == count
    for section in ("authors", "series", "topics"):
        with django_assert_max_num_queries(3):
            assert client.get(f"/sitemap-{section}.xml").status_code == 200


def test_robots_txt_keeps_crawlers_out_of_admin_and_names_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert any(line.startswith("Sitemap: http") and line.endswith("/sitemap.xml")
               for line in lines)  # fmt: skip


def test_sitemap_index_gives_each_section_its_newest_lastmod(client):
    now = timezone.now()
    old_author = make_author(slug="old")
    make_report(authors=[old_author], tags=["Oil"], publish_at=now - timedelta(days=9))
    newest = make_report(
        authors=[make_author(slug="new")],
        tags=["Water"],
        series=make_series(slug="live-series"),
    )
    make_series(slug="empty-series")
    urls = sitemap_locations(client)
    assert "/series/empty-series/" not in urls

    with CaptureQueriesContext(connection) as queries:
        index = ET.fromstring(client.get(reverse("sitemap")).content)

    # Counts and maxima only: no section reads its rows to find one date.
    version_read, *queries = queries
    assert "publications_contentversion" in version_read["sql"]
    assert len(queries) <= 8
    for query in queries:
        assert "COUNT(" in query["sql"] or "MAX(" in query["sql"], query["sql"]

    lastmods = {
        sitemap.findtext(f"{NS}loc").rsplit("/", 1)[1]: sitemap.findtext(f"{NS}lastmod")
        for sitemap in index.findall(f"{NS}sitemap")
    }
    sections = {
        "sitemap-publications.xml": "/publications/",
        "sitemap-authors.xml": "/authors/",
        "sitemap-series.xml": "/series/",
        "sitemap-topics.xml": "/topics/",
    }
    for section, prefix in sections.items():
        newest_url = max(
            lastmod for path, lastmod in urls.items() if path.startswith(prefix)
        )
        # Sections give dates; the index gives the moment.
        assert lastmods[section][:10] == newest_url, section
    assert newest.updated_at.isoformat()[:19] in lastmods["sitemap-publications.xml"]
