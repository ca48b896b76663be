"""Selectors: listing filters, filter choices, series order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from publications.models import Publication
from publications.selectors import (
    author_for_slug,
    filter_publications,
    listing_choices,
    live_authors,
    live_series,
    live_topics,
    series_for_slug,
    series_reports,
    topic_for_slug,
)
from tests.factories import (
    ago,
    make_author,
    make_related,
    make_report,
    make_series,
)

pytestmark = pytest.mark.django_db


def titles(publications):
    return [publication.title for publication in publications]


class TestFilterPublications:
    def test_combines_type_topic_series_author_and_year(self):
        author = make_author(slug="ann")
        series = make_series(slug="energy")
        last_year = timezone.now().year - 1
        match = make_report(
            title="Match",
            type_slug="peace-brief",
            tags=["Oil"],
            authors=[author],
            series=series,
            publish_at=timezone.now().replace(year=last_year),
        )
        make_report(title="Other type", type_slug="special-report", tags=["Oil"])
        make_related(title="No series", type_slug="analysis", tags=["Oil"])

        found = filter_publications(
            Publication.objects.live(),
            type_slug="peace-brief",
            topic_slug="oil",
            series_slug="energy",
            author_slug="ann",
            year=last_year,
        )

        assert list(found) == [Publication.objects.get(pk=match.pk)]

    def test_query_matches_title_teaser_and_author_names_without_duplicates(self):
        author = make_author(name="Maria Ortiz")
        make_report(title="Ortiz in title", authors=[author])
        make_report(title="Teaser", teaser="A note on Ortiz's work")
        make_related(title="By her", authors=[author, make_author(name="Ortiz B")])
        make_report(title="Unrelated")

        found = filter_publications(query="ortiz")

        assert sorted(titles(found)) == ["By her", "Ortiz in title", "Teaser"]

    def test_unknown_slug_matches_nothing(self):
        make_report(tags=["a"])

        assert list(filter_publications(topic_slug="no-such-topic")) == []

    def test_since_and_until_are_inclusive_dates(self):
        make_report(title="Old", publish_at=ago(30))
        make_report(title="Recent", publish_at=ago(3))

        found = filter_publications(
            since=ago(4).date(), until=timezone.localdate(ago(3))
        )

        assert titles(found) == ["Recent"]


def test_listing_choices_count_live_items_only():
    author = make_author(name="Live Author", slug="live-author")
    hidden = make_author(name="Hidden Author", slug="hidden-author")
    series = make_series(title="Open series", slug="open")
    make_series(title="Secret series", slug="secret")
    make_report(tags=["Shared"], authors=[author], series=series)
    make_related(tags=["Shared"])
    make_report(tags=["Secret topic"], authors=[hidden], published=False)
    make_report(
        tags=["Embargoed topic"],
        type_slug="peace-brief",
        series=make_series(slug="later"),
        publish_at=ago(-3),
    )

    choices = listing_choices()

    assert [(t["slug"], t["count"]) for t in choices["types"]] == [
        ("special-report", 1),
        ("analysis", 1),
    ]
    assert [(t["name"], t["count"]) for t in choices["topics"]] == [("Shared", 2)]
    assert [(s["slug"], s["count"]) for s in choices["series"]] == [("open", 1)]
    assert [(a["slug"], a["count"]) for a in choices["authors"]] == [("live-author", 1)]
    assert [y["count"] for y in choices["years"]] == [2]


def test_series_reports_follow_series_position_and_skip_items_not_live():
    series = make_series()
    make_report(title="Second", series=series, series_position=2)
    make_report(title="First", series=series, series_position=1, publish_at=ago(1))
    make_report(title="Unnumbered", series=series)
    make_report(title="Draft", series=series, series_position=3, published=False)
    make_report(title="Elsewhere", series_position=1)

    assert titles(series_reports(series)) == ["First", "Second", "Unnumbered"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner is PostgreSQL's"
)
def test_a_series_first_reports_are_read_in_order_from_its_index():
    # A report page's series box reads a few of a series' reports: the
    # index gives them in series order, so a long series is not read and
    # sorted whole. Table scans and whole sorts are priced out, as on a
    # large database; only ties of position are then sorted, by date.
    series = make_series()
    for position in range(3):
        make_report(series=series, series_position=position)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off; SET enable_sort = off")
    try:
        plan = series_reports(series)[:5].explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan; RESET enable_sort")
    assert "Index Scan using publications_report_in_series" in plan
    assert "Presorted Key: publications_report.series_position" in plan


OWNER_LOOKUPS = {
    "topic": (topic_for_slug, "shared-topic"),
    "author": (author_for_slug, "shared-author"),
    "series": (series_for_slug, "shared-series"),
}


@pytest.mark.parametrize(("lookup", "slug"), OWNER_LOOKUPS.values(), ids=OWNER_LOOKUPS)
def test_owner_lookups_find_an_owner_only_while_it_has_something_live(
    lookup, slug, django_assert_num_queries
):
    author = make_author(name="Shared Author", slug="shared-author")
    series = make_series(title="Shared Series", slug="shared-series")
    shared = {"tags": ["Shared topic"], "authors": [author], "series": series}
    make_report(**shared, published=False)
    make_report(**shared, publish_at=ago(-1))
    make_report(**shared, publish_at=ago(9), unpublish_at=ago(1))
    live_from = ago(2)
    for number in range(3):
        make_report(**shared, publish_at=live_from - timedelta(hours=number))

    with django_assert_num_queries(1):
        found = lookup(slug, now=ago(1))

    assert found.slug == slug
    assert lookup(slug, now=ago(10)) is None
    assert lookup("no-such-slug", now=ago(1)) is None


def test_live_authors_and_series_count_only_live_publications():
    author = make_author(slug="ann")
    series = make_series(slug="borders")
    for _ in range(2):
        make_report(authors=[author], series=series, tags=())
    make_report(authors=[author], series=series, published=False, tags=())
    make_report(authors=[author], series=series, publish_at=ago(-1), tags=())

    assert [(a.slug, a.publication_count) for a in live_authors()] == [("ann", 2)]
    assert [(s.slug, s.report_count) for s in live_series()] == [("borders", 2)]
    assert [t["count"] for t in live_topics()] == []
