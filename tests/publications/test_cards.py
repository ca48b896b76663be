"""List cards and related boxes: remembered in a shared cache, fresh after changes."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.cards import publication_cards
from publications.models import Publication
from tests.caches import shared_cache_settings
from tests.factories import (
    make_author,
    make_related,
    make_report,
    make_series,
    pin,
    related_links,
)

pytestmark = pytest.mark.django_db


def page(client, url):
    """Return the page's HTML with the per-response CSP nonce blanked."""
    return re.sub(r'nonce="[^"]*"', 'nonce=""', client.get(url).content.decode())


def build_site():
    ann = make_author(name="Ann <Author>", slug="ann")
    series = make_series(title="Water Briefings", slug="water-briefings")
    report = make_report(
        title="Rivers & rivals",
        teaser="Shared rivers <b>divide</b> and unite.",
        tags=["Water", "Peace"],
        authors=[ann, make_author(name="Bo Second", slug="bo")],
        series=series,
        number=12,
        image=True,
    )
    make_related(title="Water talks", tags=["Water"], authors=[ann])
    make_related(
        title="Elsewhere", tags=["Water"], external_url="https://example.org/x"
    )
    make_report(title="In the series", series=series, tags=["Peace"])
    return report


URLS = [
    "/publications/",
    "/publications/?topic=water",
    "/publications/?q=rivers",
    "/authors/ann/",
    "/series/water-briefings/",
    "/topics/water/",
]


def test_remembered_cards_are_the_cards_rendered_afresh(client, settings, tmp_path):
    report = build_site()
    urls = [*URLS, report.get_absolute_url()]
    fresh = {url: page(client, url) for url in urls}

    settings.CACHES = shared_cache_settings(tmp_path)
    cache.clear()
    built = {url: page(client, url) for url in urls}
    remembered = {url: page(client, url) for url in urls}

    assert "Rivers &amp; rivals" in fresh["/publications/"]
    assert built == fresh
    assert remembered == fresh


def test_a_listing_with_remembered_cards_reads_no_authors_or_topics(
    client, shared_cache
):
    build_site()
    client.get("/publications/")

    with CaptureQueriesContext(connection) as queries:
        content = client.get("/publications/").content.decode()

    assert "Ann &lt;Author&gt;" in content
    assert ">Peace</a>" in content
    read = " ".join(query["sql"] for query in queries)
    assert "publications_authorship" not in read
    assert "publications_taggedpublication" not in read


def test_an_author_rename_shows_on_every_card_at_once(
    client, shared_cache, django_capture_on_commit_callbacks
):
    build_site()
    for url in URLS:
        client.get(url)
    ann = Publication.objects.get(title="Water talks").authors.get()

    with django_capture_on_commit_callbacks(execute=True):
        ann.name = "Ann Renamed"
        ann.save()

    for url in [
        "/publications/",
        "/publications/?topic=water",
        "/series/water-briefings/",
    ]:
        content = client.get(url).content.decode()
        assert "Ann Renamed" in content, url
        assert "Ann &lt;Author&gt;" not in content, url


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="matches are marked on PostgreSQL"
)
def test_search_results_mark_matches_on_remembered_cards(client, shared_cache):
    build_site()
    client.get("/publications/")

    content = client.get("/publications/?q=rivers").content.decode()

    assert "Shared <mark>rivers</mark> &lt;b&gt;divide&lt;/b&gt; and unite." in content
    listing = client.get("/publications/").content.decode()
    assert "Shared rivers &lt;b&gt;divide&lt;/b&gt; and unite." in listing
    assert "<mark>" not in listing


def test_related_boxes_are_remembered_and_follow_a_new_pin(
    client, shared_cache, django_capture_on_commit_callbacks
):
    report = build_site()
    url = report.get_absolute_url()
    first = related_links(client.get(url))

    with CaptureQueriesContext(connection) as queries:
        assert related_links(client.get(url)) == first
    read = " ".join(query["sql"] for query in queries)
    assert "publications_pinnedpublication" not in read
    assert "publications_relatedpublication" not in read

    with django_capture_on_commit_callbacks(execute=True):
        pin(report, make_related(title="Pinned now"))

    assert related_links(client.get(url))[0][1] == "Pinned now"


def test_a_publication_deleted_after_the_list_was_read_is_left_out(shared_cache):
    report = build_site()
    rows = list(Publication.objects.filter(pk=report.pk).only("pk", "teaser"))
    report.delete()

    assert publication_cards(rows) == []
