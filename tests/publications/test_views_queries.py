"""SQL queries per page stay fixed whatever the amount of content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from authors.models import Author
from publications.cards import store_missing_cards
from publications.derived.related import rank_missing
from publications.models import Publication, Series
from tests.factories import (
    make_author,
    make_related,
    make_report,
    make_series,
    pin,
    related_links,
)

pytestmark = pytest.mark.django_db

# Its related boxes are stored cards: one query.
REPORT_PAGE_MAX = 10
# Cold, with nothing remembered: the content version, the count and the rows,
# the stored cards (1), and the filter options' five counted lists.
LISTING_MAX = 11
# Filtered, also the facet index's eight reads (once per process, then two
# to sync it; see publications.facets), a search's matching ids and the
# topic's lookup, less the count, which the index gives; on PostgreSQL, the
# search's two statements that read every match each turn sequential scans
# off and back on (publications.search.search_planning): four more.
FILTERED_LISTING_MAX = LISTING_MAX + 10
# The listing's options count from the facet index: its eight reads in a
# fresh process (two to sync it after) and the options' four name lists,
# instead of five counted lists.
OPTIONS_LISTING_MAX = LISTING_MAX - 5 + 4 + 8


def build_site(size):
    """Create a report with *size* authors, points, tags and related items."""
    authors = [make_author(photo=True, bio="<p>Bio.</p>") for _ in range(size)]
    tags = [f"topic {n}" for n in range(size)]
    series = make_series(slug="series")
    report = make_report(
        slug="report",
        tags=tags,
        authors=authors,
        series=series,
        summary_points=[f"Point {n}" for n in range(size)],
        about="<p>About.</p>",
        pdf=True,
        image=True,
    )
    for n in range(size):
        make_report(series=series, tags=tags, authors=authors, image=True)
        make_related(tags=tags[: n + 1], authors=authors, image=True)
        make_related(tags=tags, external_url=f"https://example.org/{n}")
    pin(report, *[make_related(tags=tags, image=True) for _ in range(size)])
    # Related items and cards are stored once per item and kept current
    # (not remembered): as after `update_related_items`.
    rank_missing()
    store_missing_cards()
    return report, authors[0]


def clear_site():
    Publication.objects.all().delete()
    Series.objects.all().delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


PAGES = {
    "report": ("/publications/report/", REPORT_PAGE_MAX),
    "listing": ("/publications/", OPTIONS_LISTING_MAX),
    "listing filtered": (
        "/publications/?topic=topic-0&type=analysis&year=&q=a",
        FILTERED_LISTING_MAX,
    ),
    "topic": ("/topics/topic-0/", FILTERED_LISTING_MAX),
    "home": ("/", LISTING_MAX),
    "author": (None, LISTING_MAX),
    "series": ("/series/series/", LISTING_MAX),
    "authors": ("/authors/", LISTING_MAX),
    "series index": ("/series/", LISTING_MAX),
    "topics": ("/topics/", LISTING_MAX),
}


def forget_remembered():
    """Start a page cold: nothing remembered, in the cache or in the process."""
    from django.core.cache import cache

    from publications.caching import forget_in_process
    from publications.facets import forget_facet_index

    cache.clear()
    forget_in_process()
    forget_facet_index()


def test_page_query_count_is_fixed_and_within_budget(client, settings, subtests):
    # One site per size serves every page (building it is most of the time);
    # each page is counted cold.
    counts = {page: [] for page in PAGES}
    for size in (1, 10):
        # Show every related item, so their number grows too.
        settings.FOLIO_RELATED_COUNT = size * 2
        _report, author = build_site(size)
        for page, (url, _budget) in PAGES.items():
            forget_remembered()
            counts[page].append(count_queries(client, url or author.get_absolute_url()))
        clear_site()

    for page, (_url, budget) in PAGES.items():
        with subtests.test(page=page):
            assert counts[page][0] == counts[page][1], f"{page}: {counts[page]}"
            assert counts[page][1] <= budget, f"{page}: {counts[page][1]} queries"


def test_pages_never_read_a_search_vector(client, subtests):
    # Kilobytes a row, out of line on PostgreSQL: only a search reads it.
    _report, author = build_site(3)
    pages = {
        **{page: url for page, (url, _budget) in PAGES.items()},
        "feed": "/feeds/publications/",
        "topic feed": "/feeds/topics/topic-0/",
        "series feed": "/feeds/series/series/",
        "sitemap": "/sitemap.xml",
    }
    for page, url in pages.items():
        if "q=" in (url or ""):
            continue
        forget_remembered()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url or author.get_absolute_url())
        with subtests.test(page=page):
            assert response.status_code == 200
            reading = [q["sql"] for q in queries if "search_vector" in q["sql"]]
            assert reading == [], page


def test_report_page_with_ten_of_each_within_ten_queries(
    client, settings, django_assert_max_num_queries
):
    settings.FOLIO_RELATED_COUNT = 10
    build_site(10)

    with django_assert_max_num_queries(REPORT_PAGE_MAX):
        response = client.get("/publications/report/")

    assert len(related_links(response)) == 10
    assert len(response.context["authorships"]) == 10


def test_listing_with_twenty_rich_items_within_its_budget(
    client, django_assert_max_num_queries
):
    build_site(10)

    with django_assert_max_num_queries(OPTIONS_LISTING_MAX):
        response = client.get("/publications/")

    assert len(response.context["object_list"]) == 20


# What every reader shares (cards, counts, filter options, related items,
# the item's own relations, the index pages' lists) is read from the cache
# once it is warm: only the content version, the item itself, the topic or
# owner, the page's rows and, for a page of cards, when their items last
# changed (a card outlives changes to other items) come from the database.
WARM_PAGES = {
    "report": ("/publications/report/", 3),
    "listing": ("/publications/", 3),
    "listing filtered": ("/publications/?topic=topic-0&type=analysis&q=a", 4),
    "topic": ("/topics/topic-0/", 4),
    "author": (None, 4),
    "series": ("/series/series/", 4),
    "home": ("/", 7),
    "topics": ("/topics/", 1),
    "authors": ("/authors/", 1),
    "series index": ("/series/", 1),
}


def test_pages_read_shared_parts_from_a_warm_cache(
    client, settings, shared_cache, subtests
):
    settings.FOLIO_RELATED_COUNT = 20
    # The parts, not whole pages: those are the next test.
    settings.FOLIO_PAGE_CACHE_SECONDS = 0
    _report, author = build_site(10)
    for page, (url, budget) in WARM_PAGES.items():
        with subtests.test(page=page):
            forget_remembered()
            url = url or author.get_absolute_url()
            cold = count_queries(client, url)

            warm = count_queries(client, url)

            assert warm <= budget < cold, f"{page}: {cold} then {warm} queries"


def test_a_cached_page_costs_one_query_the_content_version(
    client, shared_cache, subtests
):
    _report, author = build_site(3)
    for page, (url, _budget) in WARM_PAGES.items():
        with subtests.test(page=page):
            url = url or author.get_absolute_url()
            client.get(url)

            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)

            assert response["X-Cache"] == "hit"
            assert len(queries) == 1
            assert "publications_contentversion" in queries[0]["sql"]


def test_a_related_items_page_reads_the_item_in_one_query(
    client, settings, shared_cache
):
    settings.FOLIO_PAGE_CACHE_SECONDS = 0
    build_site(3)
    make_related(slug="brief", tags=["topic 0"])
    count_queries(client, "/publications/brief/")

    # The content version, the item and its related cards' keys, as on a
    # report's page.
    assert count_queries(client, "/publications/brief/") == 3
