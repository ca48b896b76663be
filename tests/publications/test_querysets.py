from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author
from publications.models import Publication, Report, Series
from publications.querysets import with_live_publications
from tests.factories import make_author, make_related, make_report, make_series

pytestmark = pytest.mark.django_db

ONE_MICROSECOND = timedelta(microseconds=1)


def test_live_includes_an_item_at_its_publish_instant():
    now = timezone.now()
    report = make_report(publish_at=now)

    assert list(Publication.objects.live(now=now)) == [report.publication_ptr]
    assert not Publication.objects.live(now=now - ONE_MICROSECOND).exists()


def test_live_includes_an_item_at_its_unpublish_instant_only():
    now = timezone.now()
    report = make_report(publish_at=now - timedelta(days=1), unpublish_at=now)

    assert list(Report.objects.live(now=now)) == [report]
    assert not Report.objects.live(now=now + ONE_MICROSECOND).exists()


def test_live_never_includes_drafts_or_scheduled_items():
    now = timezone.now()
    live = make_report(title="Live")
    make_report(title="Draft", published=False)
    make_report(title="Draft in the past", published=False, publish_at=now)
    make_related(title="Scheduled", publish_at=now + timedelta(minutes=1))
    make_related(
        title="Expired",
        publish_at=now - timedelta(days=2),
        unpublish_at=now - timedelta(days=1),
    )

    titles = list(Publication.objects.live().values_list("title", flat=True))

    assert titles == [live.title]


def test_scheduled_item_becomes_live_at_its_instant_without_any_job():
    publish_at = timezone.now() + timedelta(hours=1)
    report = make_report(publish_at=publish_at)

    assert not Report.objects.live().exists()
    assert list(Report.objects.live(now=publish_at)) == [report]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("draft", ["Draft"]),
        ("scheduled", ["Scheduled"]),
        ("live", ["Live"]),
        ("expired", ["Expired"]),
    ],
)
def test_in_state_matches_the_state_of_each_item(state, expected):
    now = timezone.now()
    make_report(title="Draft", published=False)
    make_report(title="Scheduled", publish_at=now + timedelta(days=1))
    make_report(title="Live", publish_at=now - timedelta(days=1))
    make_report(
        title="Expired",
        publish_at=now - timedelta(days=2),
        unpublish_at=now - timedelta(days=1),
    )

    found = Report.objects.in_state(state, now=now)

    assert [report.title for report in found] == expected
    assert all(report.state(now=now) == state for report in found)


def test_in_state_refuses_an_unknown_state():
    with pytest.raises(ValueError, match="Unknown publication state"):
        Publication.objects.in_state("withdrawn")


def test_with_live_publications_matches_through_each_relation_at_its_instant():
    now = timezone.now()
    author, other = make_author(slug="ann"), make_author(slug="bo")
    series, empty = make_series(slug="borders"), make_series(slug="empty")
    make_report(tags=["Water"], authors=[author], series=series, publish_at=now)
    make_report(tags=["Oil"], authors=[other], series=empty, published=False)

    def slugs(model, relation, at):
        rows = model.objects.filter(with_live_publications(relation, now=at))
        return sorted(set(rows.values_list("slug", flat=True)))

    assert slugs(Tag, "publication", now) == ["water"]
    assert slugs(Author, "publications", now) == ["ann"]
    assert slugs(Series, "reports", now) == ["borders"]
    before = now - ONE_MICROSECOND
    assert slugs(Tag, "publication", before) == []
    assert slugs(Author, "publications", before) == []
    assert slugs(Series, "reports", before) == []


def test_with_own_page_leaves_out_items_that_link_elsewhere():
    make_report(title="Report")
    make_related(title="Podcast", external_url="https://example.org/podcast")
    make_related(title="Analysis")

    titles = Publication.objects.with_own_page().values_list("title", flat=True)

    assert sorted(titles) == ["Analysis", "Report"]
