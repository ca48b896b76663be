"""The results page: the query in the header box, heading and title; sorting.

Run this module with DATABASE_URL set to a PostgreSQL database too.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.caching import forget_in_process
from publications.facets import forget_facet_index
from tests.factories import ago, make_author, make_related, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """Three items about ceasefires: the best match is the oldest."""
    make_report(
        title="Ceasefire monitoring in practice",
        teaser="Monitors on the line.",
        publish_at=ago(30),
    )
    make_related(title="Border talks", teaser="Ceasefire lessons.", publish_at=ago(1))
    make_related(
        title="Elections",
        teaser="Votes.",
        body="<p>A ceasefire held.</p>",
        publish_at=ago(10),
    )
    make_report(title="Unrelated", teaser="Nothing here.", publish_at=ago(2))


def card_titles(response):
    html = response.content.decode()
    return [
        re.sub(r"<[^>]+>", "", title)
        for title in re.findall(r'class="card-title"><a [^>]*>(.*?)</a>', html)
    ]


def heading(response):
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode()).group(1)


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode()).group(1)


def test_the_results_page_names_the_query_and_the_count(client, site):
    response = client.get("/publications/", {"q": "ceasefire"})
    assert heading(response) == "3 results for “ceasefire”"
    assert title(response) == "3 results for “ceasefire” · Folio Institute"
    header_box = re.search(r'<input id="site-search"[^>]*>', response.content.decode())
    assert 'value="ceasefire"' in header_box.group(0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("monitoring", "1 result for “monitoring”"),
        ("glaciers", "No results for “glaciers”"),
        (
            '<b>"ceasefire"</b>',
            "No results for “&lt;b&gt;&quot;ceasefire&quot;&lt;/b&gt;”",
        ),
    ],
)
def test_the_heading_counts_and_escapes(client, site, query, expected):
    response = client.get("/publications/", {"q": query})
    assert heading(response) == expected
    assert title(response).startswith(expected)


def test_the_plain_listing_keeps_its_heading_and_an_empty_header_box(client, site):
    response = client.get("/publications/")
    assert heading(response) == "All Publications"
    assert 'id="site-search" type="search" name="q" placeholder' in (
        response.content.decode()
    )
    assert 'aria-label="Sort results"' not in response.content.decode()


def test_results_come_best_first_and_sort_by_date_on_request(client, site):
    best = client.get("/publications/", {"q": "ceasefire"})
    newest = client.get("/publications/", {"q": "ceasefire", "sort": "date"})
    assert card_titles(best) == [
        "Ceasefire monitoring in practice",
        "Border talks",
        "Elections",
    ]
    assert card_titles(newest) == [
        "Border talks",
        "Elections",
        "Ceasefire monitoring in practice",
    ]


def test_sorting_is_plain_links_that_mark_the_current_order(client, site):
    html = client.get("/publications/", {"q": "ceasefire"}).content.decode()
    nav = re.search(r'<nav class="search-sort".*?</nav>', html, re.S).group(0)
    assert '<a href="?q=ceasefire" aria-current="true">Relevance</a>' in nav
    assert '<a href="?q=ceasefire&amp;sort=date">Newest first</a>' in nav

    html = client.get("/publications/?q=ceasefire&sort=date").content.decode()
    assert '<a href="?q=ceasefire&amp;sort=date" aria-current="true">' in html
    assert '<input type="hidden" name="sort" value="date">' in html


def test_page_links_keep_the_order(client, site, settings, monkeypatch):
    monkeypatch.setattr("publications.views.PublicationListView.paginate_by", 2)
    html = client.get("/publications/?q=ceasefire&sort=date").content.decode()
    assert 'href="?q=ceasefire&amp;sort=date&amp;page=2"' in html


def test_an_unknown_order_is_relevance(client, site):
    response = client.get("/publications/", {"q": "ceasefire", "sort": "nonsense"})
    assert card_titles(response)[0] == "Ceasefire monitoring in practice"


def test_the_page_cache_keeps_the_order_apart(client, site, shared_cache):
    """The page cache keeps ?sort=, so each order is a page of its own."""
    best = client.get("/publications/?q=ceasefire")
    newest = client.get("/publications/?q=ceasefire&sort=date")
    again = client.get("/publications/?sort=date&q=ceasefire&utm_source=x")
    assert (best["X-Cache"], newest["X-Cache"], again["X-Cache"]) == (
        "miss",
        "miss",
        "hit",
    )
    assert card_titles(again) == card_titles(newest) != card_titles(best)


def test_topics_and_authors_are_found_from_the_header_box(client):
    author = make_author(name="Ingrid Halvorsen")
    make_report(title="Fisheries", tags=["Archipelagos"])
    make_related(title="Elections", authors=[author])
    assert card_titles(client.get("/publications/", {"q": "archipelagos"})) == [
        "Fisheries"
    ]
    assert card_titles(client.get("/publications/", {"q": "halvorsen"})) == [
        "Elections"
    ]


def _search_queries(client):
    # Each time from a worker's first request with nothing cached: the
    # facet index is built, not brought up to date from the changes since
    # the last time, and no card is remembered from the last time.
    forget_facet_index()
    forget_in_process()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/publications/", {"q": "ceasefire"})
    assert response.status_code == 200
    return len(queries), len(card_titles(response))


def test_a_search_takes_the_same_queries_for_few_or_many_results(client):
    for n in range(3):
        make_report(title=f"Ceasefire {n}", tags=[f"t{n}"], summary_points=["x"])
    few = _search_queries(client)
    for n in range(3, 9):
        make_related(title=f"Ceasefire {n}", tags=[f"t{n}"])
    many = _search_queries(client)
    assert (few[1], many[1]) == (3, 9)
    assert few[0] == many[0]
