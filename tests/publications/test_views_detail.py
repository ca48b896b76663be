"""/publications/<slug>/ for reports and related publications, previews, PDFs."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ago,
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
    pin,
    related_links,
)
from tests.pages import html

pytestmark = pytest.mark.django_db


def position(content, needle):
    index = content.find(needle)
    assert index >= 0, f"{needle!r} not on the page"
    return index


class TestReportPage:
    def test_shows_the_header_in_the_issue_order(self, client):
        first = make_author(name="Zoe First", slug="zoe")
        second = make_author(name="Adam Second", slug="adam")
        report = make_report(
            title="Mediation in the Sahel",
            number=277,
            teaser="What makes local agreements hold.",
            authors=[first, second],
            publish_at=timezone.make_aware(datetime(2024, 4, 30, 12, 0)),
            image=True,
            pdf=True,
            summary_points=["Point"],
        )

        # The reader's order: the head's metadata repeats some of this.
        content = html(client.get(report.get_absolute_url())).split("<body", 1)[1]

        order = [
            position(content, "Special Report No. 277"),
            position(content, "<h1>Mediation in the Sahel</h1>"),
            position(content, "What makes local agreements hold."),
            position(content, "Tuesday, April 30, 2024"),
            position(content, 'href="/authors/zoe/">Zoe First</a> and <a'),
            position(content, 'href="/authors/adam/">Adam Second</a>'),
            position(content, f'src="{report.image.url}" alt="Cover image"'),
            position(content, "Download the PDF"),
            position(content, 'id="summary"'),
        ]
        assert order == sorted(order)
        assert content.count("<h1") == 1

    def test_pdf_link_points_at_the_pdf_view_with_its_size(self, client):
        report = make_report(slug="with-pdf", pdf=True)

        content = html(client.get(report.get_absolute_url()))

        assert 'href="/publications/with-pdf/pdf/"' in content
        assert re.search(r"Download the PDF <span[^>]*>\(PDF, \d+\sbytes\)", content)

    def test_without_an_upload_the_link_is_to_the_generated_pdf(self, client):
        report = make_report(slug="no-upload")

        content = html(client.get(report.get_absolute_url()))

        # The same link from publication on, whether the file is made yet.
        assert 'href="/publications/no-upload/pdf/">Download the PDF</a>' in content

    def test_sections_come_in_order_with_their_ids_and_headings(self, client):
        report = make_report(
            tags=["Water"],
            authors=[make_author()],
            summary_points=["One"],
            about="<p>About it.</p>",
        )
        make_related(tags=["Water"])

        content = html(client.get(report.get_absolute_url()))

        ids = re.findall(r'<section id="([a-z-]+)"', content)
        assert ids == [
            "summary",
            "about-report",
            "about-authors",
            "topics",
            "related-publications",
            "cite",
        ]
        for heading in ("Summary", "About the Report", "About the Author"):
            assert f">{heading}</h2>" in content
        assert ">Related Publications</h2>" in content

    def test_summary_points_are_a_list_in_order(self, client):
        report = make_report(summary_points=["First point", "Second point", "Third"])

        content = html(client.get(report.get_absolute_url()))

        assert re.search(
            r"<ul[^>]*>\s*<li>First point</li><li>Second point</li><li>Third</li>",
            content,
        )

    def test_about_report_shows_the_series_and_its_other_live_reports(self, client):
        series = make_series(title="Energy Futures", slug="energy-futures")
        report = make_report(
            title="Part two", about="<p>Written in 2024.</p>", series=series,
            series_position=2,
        )  # fmt: skip
        make_report(
            title="Part one", series=series, series_position=1, number=7,
            publish_at=datetime(2024, 3, 5, 12, tzinfo=UTC),
        )  # fmt: skip
        make_report(title="Part three", series=series, series_position=3)
        make_report(title="Part four draft", series=series, published=False)

        content = html(client.get(report.get_absolute_url()))
        section = content[position(content, 'id="about-report"') :]

        assert "<p>Written in 2024.</p>" in section
        assert 'href="/series/energy-futures/">Energy Futures</a>' in section
        assert position(section, "Part one") < position(section, "Part three")
        assert "Special Report No. 7, Tuesday, March 5, 2024" in section
        assert "Part four draft" not in content
        assert section.count(">Part two<") == 0

    def test_about_the_authors_in_order_with_position_photo_and_bio(self, client):
        first = make_author(
            name="Zoe First",
            position="Senior fellow",
            bio="<p>Zoe studies water.</p>",
            photo=True,
        )
        second = make_author(name="Adam Second", position="Director")
        report = make_report(authors=[first, second])

        content = html(client.get(report.get_absolute_url()))
        section = content[position(content, 'id="about-authors"') :]

        assert ">About the Authors</h2>" in section
        assert position(section, "Zoe First") < position(section, "Adam Second")
        assert "Senior fellow" in section
        assert "<p>Zoe studies water.</p>" in section
        assert f'src="{first.photo.url}" alt="Portrait"' in section

    def test_one_author_gets_the_singular_heading(self, client):
        report = make_report(authors=[make_author()])

        assert ">About the Author</h2>" in html(client.get(report.get_absolute_url()))

    def test_topics_link_to_topic_pages(self, client):
        report = make_report(tags=["Water", "Climate change"])

        content = html(client.get(report.get_absolute_url()))
        section = content[position(content, 'id="topics"') :]

        assert 'href="/topics/climate-change/">Climate change</a>' in section
        assert 'href="/topics/water/">Water</a>' in section

    def test_related_publications_show_image_title_date_teaser_type_topics(
        self, client
    ):
        report = make_report(tags=["Water"])
        related = make_related(
            title="Dams and diplomacy",
            teaser="Rivers shared by rivals.",
            tags=["Water", "Rivers"],
            publish_at=timezone.make_aware(datetime(2024, 3, 5, 12, 0)),
            image=True,
        )

        content = html(client.get(report.get_absolute_url()))
        section = content[position(content, 'id="related-publications"') :]

        order = [
            position(section, f'src="{related.thumbnail.url}" alt="Cover image"'),
            position(section, f'href="{related.get_absolute_url()}">Dams and'),
            position(section, "Tuesday, March 5, 2024"),
            position(section, "Rivers shared by rivals."),
            position(section, "Type: Analysis"),
            position(section, 'href="/topics/rivers/">Rivers</a>'),
            position(section, 'href="/publications/">View All Publications</a>'),
        ]
        assert order == sorted(order)

    def test_related_items_follow_the_selector_rule(self, client, settings):
        settings.FOLIO_RELATED_COUNT = 2
        report = make_report(tags=["a", "b"])
        pinned = make_related(title="Pinned item")
        make_report(title="Shares two", tags=["a", "b"])
        make_report(title="Shares one", tags=["a"])
        pin(report, pinned)

        response = client.get(report.get_absolute_url())

        assert [title for _href, title in related_links(response)] == [
            "Pinned item",
            "Shares two",
        ]

    def test_body_text_is_shown_when_present(self, client):
        report = make_report(body="<p>The full text.</p>")

        content = html(client.get(report.get_absolute_url()))

        assert "<p>The full text.</p>" in content

    @pytest.mark.parametrize(
        "state",
        [
            {"published": False},
            {"publish_at": timezone.now() + timedelta(days=2)},
            {"publish_at": ago(9), "unpublish_at": ago(1)},
        ],
        ids=["draft", "scheduled", "expired"],
    )
    def test_items_not_live_are_not_found_for_the_public(self, client, state):
        report = make_report(**state)
        client.force_login(make_user(role=None, is_superuser=False))
        staff_without_permission = client.get(report.get_absolute_url())
        client.logout()

        assert client.get(report.get_absolute_url()).status_code == 404
        assert staff_without_permission.status_code == 404


class TestStaffPreview:
    def test_draft_shows_a_banner_and_is_kept_private(self, client):
        report = make_report(title="Work in progress", published=False)
        client.force_login(make_user(role="Editors"))

        response = client.get(report.get_absolute_url())

        assert response.status_code == 200
        assert b"Draft, not public." in response.content
        assert b'<meta name="robots" content="noindex">' in response.content
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    def test_scheduled_item_shows_when_it_goes_live(self, client):
        related = make_related(publish_at=timezone.now() + timedelta(days=3))
        client.force_login(make_user(role="Contributors"))

        response = client.get(related.get_absolute_url())

        assert response.status_code == 200
        assert b"Scheduled, not public yet." in response.content

    def test_live_item_has_no_banner(self, client):
        report = make_report()
        client.force_login(make_user(role="Editors"))

        response = client.get(report.get_absolute_url())

        assert b"preview-banner" not in response.content
        assert "no-store" not in response.get("Cache-Control", "")


class TestRelatedPublicationPage:
    def test_shows_type_title_date_teaser_image_body_topics_related(self, client):
        related = make_related(
            title="Dams and diplomacy",
            type_slug="commentary",
            teaser="Rivers shared by rivals.",
            body="<p>The body text.</p>",
            tags=["Water"],
            image=True,
            publish_at=timezone.make_aware(datetime(2024, 4, 30, 12, 0)),
        )
        make_report(title="Water report", tags=["Water"])

        response = client.get(related.get_absolute_url())
        content = html(response).split("<body", 1)[1]

        assert response.status_code == 200
        order = [
            position(content, "Commentary"),
            position(content, "<h1>Dams and diplomacy</h1>"),
            position(content, "Rivers shared by rivals."),
            position(content, "Tuesday, April 30, 2024"),
            position(content, f'src="{related.image.url}"'),
            position(content, "<p>The body text.</p>"),
            position(content, 'id="topics"'),
            position(content, 'id="related-publications"'),
            position(content, "Water report"),
        ]
        assert order == sorted(order)

    def test_external_related_publication_forwards_to_its_address(self, client):
        related = make_related(external_url="https://example.org/elsewhere")

        response = client.get(related.get_absolute_url())

        assert response.status_code == 302
        assert response["Location"] == "https://example.org/elsewhere"

    def test_unknown_slug_is_not_found(self, client):
        assert client.get("/publications/no-such-thing/").status_code == 404


class TestPdf:
    def test_serves_a_live_reports_pdf_as_a_download(self, client):
        report = make_report(slug="annual", pdf=True)

        response = client.get(reverse("publications:report-pdf", args=["annual"]))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="annual.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF-")
        assert int(response["Content-Length"]) == report.pdf.size

    @pytest.mark.parametrize(
        "state",
        [
            {"published": False},
            {"publish_at": timezone.now() + timedelta(days=2)},
            {"publish_at": ago(9), "unpublish_at": ago(1)},
        ],
        ids=["draft", "scheduled", "expired"],
    )
    def test_pdf_of_an_item_not_live_is_not_found_except_for_staff(self, client, state):
        report = make_report(slug="secret", pdf=True, **state)
        url = reverse("publications:report-pdf", args=["secret"])

        public = client.get(url)
        client.force_login(make_user(role="Editors"))
        staff = client.get(url)

        assert public.status_code == 404
        assert staff.status_code == 200
        assert "private" in staff["Cache-Control"]
        assert report.pdf.name.startswith("pdfs/")

    def test_an_uploaded_pdf_whose_file_is_missing_is_not_found(self, client):
        missing = make_report(slug="lost-pdf", pdf=True)
        missing.pdf.storage.delete(missing.pdf.name)

        assert client.get("/publications/lost-pdf/pdf/").status_code == 404

    def test_pdf_is_not_reachable_through_media_urls(self, client):
        report = make_report(pdf=True)

        assert client.get(f"/media/private/{report.pdf.name}").status_code == 404
        assert client.get(f"/media/{report.pdf.name}").status_code == 404

    def test_related_publications_have_no_pdf_address(self, client):
        related = make_related(slug="analysis-one")

        assert client.get("/publications/analysis-one/pdf/").status_code == 404
        assert related.pk
