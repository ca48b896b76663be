"""Listings: numbered page links, and headings that name the active filters."""

import html
import re

import pytest

from publications.views import PublicationListView
from tests.factories import ago, make_report

pytestmark = pytest.mark.django_db

LIST_URL = "/publications/"


@pytest.fixture
def twelve_pages(monkeypatch):
    """24 live items about water, two a page: twelve pages."""
    monkeypatch.setattr(PublicationListView, "paginate_by", 2)
    for n in range(24):
        make_report(title=f"Report {n:02}", tags=["Water"], publish_at=ago(n + 1))


def page_links(response):
    """Return the page nav's links as (text, href, current) and its label."""
    content = response.content.decode()
    nav = re.search(
        r'<nav class="pagination" aria-label="([^"]+)">(.*?)</nav>', content, re.S
    )
    items = re.findall(r"<li[^>]*>(.*?)</li>", nav[2], re.S)
    links = []
    for item in items:
        link = re.match(r'<a (?:rel="\w+" )?href="([^"]*)"([^>]*)>([^<]*)</a>', item)
        if link:
            current = 'aria-current="page"' in link[2]
            links.append((link[3], html.unescape(link[1]), current))
        else:
            links.append((item.strip(), None, False))
    return nav[1], links


def texts(links):
    return [text for text, _href, _current in links]


def test_first_page_links_the_first_pages_the_last_and_the_next(client, twelve_pages):
    label, links = page_links(client.get(LIST_URL))

    assert label == "Pages"
    assert texts(links) == ["1", "2", "3", "…", "12", "Next →"]
    assert [text for text, _href, current in links if current] == ["1"]
    assert links[-1][1] == "?page=2"


def test_a_middle_page_links_both_ways_with_gaps(client, twelve_pages):
    _label, links = page_links(client.get(f"{LIST_URL}?page=6"))

    assert texts(links) == [
        "← Previous", "1", "…", "4", "5", "6", "7", "8", "…", "12", "Next →"
    ]  # fmt: skip
    assert [text for text, _href, current in links if current] == ["6"]
    assert links[0][1] == "?page=5"
    assert dict((text, href) for text, href, _current in links)["12"] == "?page=12"


def test_the_last_page_has_no_next(client, twelve_pages):
    _label, links = page_links(client.get(f"{LIST_URL}?page=12"))

    assert texts(links) == ["← Previous", "1", "…", "10", "11", "12"]


def test_page_links_keep_the_filters(client, twelve_pages):
    make_report(title="Dry")

    response = client.get(f"{LIST_URL}?topic=water&page=3")
    _label, links = page_links(response)

    hrefs = [href for _text, href, _current in links if href]
    assert hrefs and all(href.startswith("?topic=water&page=") for href in hrefs)
    assert response.context["paginator"].count == 24


def test_few_pages_are_all_linked(client, monkeypatch):
    monkeypatch.setattr(PublicationListView, "paginate_by", 10)
    for _ in range(25):
        make_report()

    _label, links = page_links(client.get(f"{LIST_URL}?page=2"))

    assert texts(links) == ["← Previous", "1", "2", "3", "Next →"]


def test_one_page_has_no_page_links(client):
    make_report()

    assert b'class="pagination"' not in client.get(LIST_URL).content


def test_cached_pages_keep_their_own_links(client, shared_cache, twelve_pages):
    first = client.get(f"{LIST_URL}?page=2")
    again = client.get(f"{LIST_URL}?page=2")
    other = client.get(f"{LIST_URL}?page=3")

    assert (first["X-Cache"], again["X-Cache"], other["X-Cache"]) == (
        "miss",
        "hit",
        "miss",
    )
    assert page_links(again) == page_links(first)
    assert [t for t, _h, current in page_links(again)[1] if current] == ["2"]
    assert [t for t, _h, current in page_links(other)[1] if current] == ["3"]


def title_and_heading(response):
    content = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", content, re.S)[1]
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", content, re.S)[1]
    return html.unescape(title), html.unescape(re.sub(r"<[^>]+>", "", heading))


def test_heading_and_title_name_the_active_filters(client):
    make_report(tags=["Mediation"], type_slug="special-report", title="Talks")

    title, heading = title_and_heading(
        client.get(f"{LIST_URL}?type=special-report&topic=mediation")
    )

    assert title.startswith("Publications — Type: Special Report, Topic: Mediation")
    assert heading == "Publications — Type: Special Report, Topic: Mediation"


def test_heading_names_a_search_and_the_page(client, twelve_pages):
    title, heading = title_and_heading(client.get(f"{LIST_URL}?q=report&page=2"))

    assert re.match(r"\d+ results for “report”, page 2 · ", title), title
    assert re.fullmatch(r"\d+ results for “report”", heading), heading


def test_unfiltered_listing_is_all_publications(client):
    make_report()

    title, heading = title_and_heading(client.get(LIST_URL))

    assert title.startswith("All Publications · ")
    assert heading == "All Publications"


def test_topic_page_names_its_other_filters(client):
    make_report(tags=["Water"], type_slug="peace-brief")

    title, heading = title_and_heading(client.get("/topics/water/?type=peace-brief"))

    assert title.startswith("Water: Publications — Type: Peace Brief · ")
    assert heading == "Water — Type: Peace Brief"
