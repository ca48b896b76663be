from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from publications.models import Authorship, Publication, PublicationType
from publications.states import Kind
from tests.factories import make_author, make_related, make_report

pytestmark = pytest.mark.django_db

ONE_MICROSECOND = timedelta(microseconds=1)


def test_draft_is_draft_whatever_its_dates():
    now = timezone.now()
    report = make_report(published=False, publish_at=now - timedelta(days=1))

    assert report.state(now=now) == "draft"
    assert not report.is_live(now=now)


def test_published_item_is_live_from_its_publish_instant():
    now = timezone.now()
    report = make_report(publish_at=now)

    assert report.state(now=now - ONE_MICROSECOND) == "scheduled"
    assert report.state(now=now) == "live"


def test_published_item_is_live_at_its_unpublish_instant_and_expired_after():
    now = timezone.now()
    report = make_report(publish_at=now - timedelta(days=1), unpublish_at=now)

    assert report.state(now=now) == "live"
    assert report.state(now=now + ONE_MICROSECOND) == "expired"


def test_specific_returns_the_report_or_related_publication():
    report = make_report()
    related = make_related()

    assert Publication.objects.get(pk=report.pk).specific == report
    assert type(Publication.objects.get(pk=related.pk).specific).__name__ == (
        "RelatedPublication"
    )


def test_authorships_keep_the_editors_order_not_the_alphabet():
    report = make_report(authors=())
    zoe, adam, maria = (make_author(name=n) for n in ("Zoe", "Adam", "Maria"))
    Authorship.objects.create(publication=report, author=maria, position=2)
    Authorship.objects.create(publication=report, author=zoe, position=0)
    Authorship.objects.create(publication=report, author=adam, position=1)

    names = [a.author.name for a in report.authorships.select_related("author")]

    assert names == ["Zoe", "Adam", "Maria"]


def test_type_and_number_reads_like_the_printed_cover():
    assert make_report(number=277).type_and_number == "Special Report No. 277"
    assert make_report(type_slug="peace-brief").type_and_number == "Peace Brief"


def test_kind_follows_the_model():
    assert make_report().kind == Publication.Kind.REPORT
    assert make_related().kind == Publication.Kind.RELATED


def test_publications_and_their_types_share_one_kind_word():
    assert Publication.Kind is Kind
    assert PublicationType.Kind is Kind


def test_public_url_is_the_page_or_a_related_items_external_url():
    report = make_report()
    page = make_related()
    podcast = make_related(external_url="https://example.org/podcast")
    rows = Publication.objects.select_related("report", "relatedpublication")

    for item in (report, page):
        assert item.public_url == item.get_absolute_url()
    assert podcast.public_url == "https://example.org/podcast"
    assert {row.slug: row.public_url for row in rows} == {
        report.slug: report.get_absolute_url(),
        page.slug: page.get_absolute_url(),
        podcast.slug: "https://example.org/podcast",
    }


def test_pdf_url_is_the_access_checked_view_or_empty(django_assert_num_queries):
    with_pdf = make_report(pdf=True)
    without = make_report()
    related = make_related()
    pdf_view = reverse("publications:report-pdf", kwargs={"slug": with_pdf.slug})

    assert with_pdf.pdf_url == pdf_view
    assert without.pdf_url == ""
    assert related.pdf_url == ""
    rows = list(Publication.objects.select_related("report", "relatedpublication"))
    with django_assert_num_queries(0):
        assert {row.slug: row.pdf_url for row in rows} == {
            with_pdf.slug: pdf_view,
            without.slug: "",
            related.slug: "",
        }
