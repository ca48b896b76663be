"""Home, author, series pages and the page shell shared by every page."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import (
    ago,
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
)
from tests.pages import html

pytestmark = pytest.mark.django_db


class TestHome:
    def test_shows_latest_reports_related_items_series_and_top_topics(self, client):
        series = make_series(title="Energy Futures")
        make_report(
            title="Newest report", tags=["Oil"], series=series, publish_at=ago(1)
        )
        make_report(title="Older report", tags=["Oil", "Gas"], publish_at=ago(5))
        make_related(title="An analysis", tags=["Oil"], publish_at=ago(2))

        response = client.get("/")
        content = html(response)

        assert response.status_code == 200
        assert response.context["featured"].title == "Newest report"
        assert [p.title for p in response.context["latest_reports"]] == ["Older report"]
        assert "An analysis" in content
        assert "Energy Futures" in content
        assert [t["name"] for t in response.context["topics"]] == ["Oil", "Gas"]

    def test_empty_site_still_renders(self, client):
        response = client.get("/")

        assert response.status_code == 200
        assert b"No reports have been published yet." in response.content


class TestPageShell:
    def test_every_page_has_landmarks_skip_link_one_h1_and_a_unique_title(self, client):
        author = make_author(slug="ann")
        series = make_series(title="Energy Futures", slug="energy")
        report = make_report(
            slug="report", tags=["Oil"], authors=[author], series=series
        )
        urls = [
            "/",
            "/publications/",
            report.get_absolute_url(),
            "/authors/",
            "/authors/ann/",
            "/series/",
            "/series/energy/",
            "/topics/",
            "/topics/oil/",
            "/no-such-page/",
        ]
        titles = set()
        for url in urls:
            content = html(client.get(url))
            assert '<html lang="en">' in content, url
            assert '<a class="skip-link" href="#main">' in content, url
            assert '<main id="main"' in content, url
            for landmark in ("<header", "<nav", "<footer"):
                assert landmark in content, (url, landmark)
            assert content.count("<h1") == 1, url
            assert 'name="q"' in content, url
            assert not re.search(r"<img(?![^>]*\balt=)[^>]*>", content), url
            titles.add(re.search(r"<title>(.*?)</title>", content, re.S).group(1))
        assert len(titles) == len(urls)

    def test_nav_marks_the_current_section(self, client):
        content = html(client.get("/topics/"))

        assert 'href="/topics/" aria-current="page"' in content
        assert 'href="/publications/" aria-current' not in content

    def test_pages_load_nothing_from_other_sites(self, client):
        make_report(image=True)
        content = html(client.get("/")) + html(client.get("/publications/"))

        # Absolute links to this site itself (canonical, Open Graph) load nothing.
        head_and_header = content.split("<main")[0].replace(settings.FOLIO_SITE_URL, "")
        assert not re.search(r'(src|href)="(https?:)?//', head_and_header)
        assert "<script" not in content


class TestAuthorPages:
    def test_index_lists_authors_with_live_publications(self, client):
        live = make_author(name="Ann Live", position="Fellow")
        make_report(authors=[live])
        make_report(authors=[live])
        drafted = make_author(name="Dan Draft")
        make_report(authors=[drafted], published=False)

        response = client.get("/authors/")
        content = html(response)

        assert [a.name for a in response.context["authors"]] == ["Ann Live"]
        assert "2 publications" in content
        assert "Dan Draft" not in content

    def test_author_page_shows_bio_photo_position_and_live_publications(self, client):
        author = make_author(
            name="Ann Live",
            slug="ann",
            position="Senior fellow",
            bio="<p>Ann writes.</p>",
            photo=True,
        )
        author.email = "ann@example.org"
        author.save()
        make_report(title="Her report", authors=[author], publish_at=ago(2))
        make_related(title="Her analysis", authors=[author], publish_at=ago(1))
        make_report(title="Her draft", authors=[author], published=False)

        response = client.get("/authors/ann/")
        content = html(response)

        assert response.status_code == 200
        assert "<h1>Ann Live</h1>" in content
        assert "Senior fellow" in content
        assert "<p>Ann writes.</p>" in content
        assert f'src="{author.photo.url}" alt="Portrait"' in content
        assert [p.title for p in response.context["object_list"]] == [
            "Her analysis",
            "Her report",
        ]
        assert "Her draft" not in content
        assert "ann@example.org" not in content

    def test_author_without_live_publications_has_no_public_page(self, client):
        author = make_author(slug="dan")
        make_report(authors=[author], published=False)

        assert client.get("/authors/dan/").status_code == 404
        assert client.get("/authors/nobody/").status_code == 404
        client.force_login(make_user(role="Editors"))
        assert client.get("/authors/dan/").status_code == 200


class TestSeriesPages:
    def test_index_lists_series_with_live_report_counts(self, client):
        open_series = make_series(title="Open", commissioned_by="The Centre")
        make_report(series=open_series)
        make_report(series=open_series)
        make_report(series=open_series, published=False)
        make_report(series=make_series(title="Not yet"), published=False)

        response = client.get("/series/")
        content = html(response)

        assert [(s.title, s.report_count) for s in response.context["series_list"]] == [
            ("Open", 2)
        ]
        assert "Commissioned by The Centre" in content
        assert "Not yet" not in content

    def test_series_page_lists_live_reports_in_series_order(self, client):
        series = make_series(
            title="Energy",
            slug="energy",
            description="<p>About energy.</p>",
            commissioned_by="The Centre",
        )
        make_report(title="Part 2", series=series, series_position=2, publish_at=ago(9))
        make_report(title="Part 1", series=series, series_position=1, publish_at=ago(1))
        make_report(
            title="Part 3 draft", series=series, series_position=3, published=False
        )

        response = client.get("/series/energy/")
        content = html(response)

        assert response.status_code == 200
        assert "<h1>Energy</h1>" in content
        assert "<p>About energy.</p>" in content
        assert "Commissioned by The Centre" in content
        assert [p.title for p in response.context["object_list"]] == [
            "Part 1",
            "Part 2",
        ]
        assert "Part 3 draft" not in content

    def test_series_without_live_reports_is_not_found(self, client):
        series = make_series(slug="later")
        make_report(series=series, publish_at=timezone.now() + timedelta(days=1))

        assert client.get("/series/later/").status_code == 404
