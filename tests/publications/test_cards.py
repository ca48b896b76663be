"""List cards and related boxes: stored once per item, fresh after changes."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from publications.cards import publication_cards, store_missing_cards
from publications.models import Authorship, Publication, StoredCard
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


def stored(publication, kind=StoredCard.Kind.LIST):
    return StoredCard.objects.filter(publication=publication, kind=kind).first()


def test_stored_cards_serve_a_listing_in_one_query_without_a_shared_cache(client):
    build_site()
    # As after `update_related_items`, or the drain of each item's change.
    assert store_missing_cards() == 4

    with CaptureQueriesContext(connection) as queries:
        content = client.get("/publications/").content.decode()

    assert "Ann &lt;Author&gt;" in content
    assert ">Peace</a>" in content
    read = [query["sql"] for query in queries]
    # The cards' own relations (the facet index reads bare ids, once).
    assert not [sql for sql in read if 'JOIN "authors_author"' in sql]
    assert not [sql for sql in read if 'JOIN "taggit_tag"' in sql]
    assert len([sql for sql in read if "publications_storedcard" in sql]) == 1


def test_a_card_read_before_it_was_stored_is_stored_for_the_next_reader(client):
    report = build_site()
    assert not StoredCard.objects.exists()

    fresh = page(client, "/publications/")

    assert stored(report) is not None
    assert page(client, "/publications/") == fresh


def test_one_stored_card_serves_every_heading_level(client):
    report = build_site()
    store_missing_cards()

    listing = client.get("/publications/").content.decode()
    author_page = client.get("/authors/ann/").content.decode()

    title = f'<a href="/publications/{report.slug}/">Rivers &amp; rivals</a>'
    assert f'<h2 class="card-title">{title}</h2>' in listing
    assert f'<h3 class="card-title">{title}</h3>' in author_page
    assert StoredCard.objects.filter(publication=report).count() == 2


def test_a_card_whose_item_changed_is_built_again(client):
    report = build_site()
    store_missing_cards()
    before = stored(report).built_at
    client.get("/publications/")

    # Not drained (no commit in a test): the reader finds the card outdated.
    Authorship.objects.create(
        publication=report, author=make_author(name="Cy Third"), position=5
    )

    content = client.get("/publications/").content.decode()
    assert "Cy Third" in content
    assert stored(report).built_at > before
    assert "Cy Third" in stored(report).parts


def test_the_drain_stores_the_cards_of_changed_live_items_only(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        live = make_report(title="Live now", tags=["Water"])
        draft = make_report(title="Not yet", tags=["Water"], published=False)

    assert "Water" in stored(live).parts
    assert stored(live, StoredCard.Kind.RELATED) is not None
    assert stored(draft) is None


def test_a_rename_outdates_every_stored_card(
    client, django_capture_on_commit_callbacks
):
    build_site()
    # Drains the site's changes, which stores their cards.
    call_command("update_related_items", verbosity=0)
    assert store_missing_cards() == 0
    ann = Publication.objects.get(title="Water talks").authors.get()

    with django_capture_on_commit_callbacks(execute=True):
        ann.name = "Ann Renamed"
        ann.save()

    assert store_missing_cards() == 4
    content = client.get("/topics/water/").content.decode()
    assert "Ann Renamed" in content
    assert "Ann &lt;Author&gt;" not in content


def test_a_card_holding_the_separator_is_served_but_not_stored(client):
    make_report(title="Odd", authors=[make_author(name="Odd \ue001 Name")])

    content = client.get("/publications/").content.decode()

    assert "Odd \ue001 Name" in content
    assert not StoredCard.objects.filter(kind=StoredCard.Kind.LIST).exists()


def test_a_card_that_fails_to_store_is_served_all_the_same(client, monkeypatch, caplog):
    build_site()

    def fail(*args, **kwargs):
        raise DatabaseError("the database is read-only")

    monkeypatch.setattr(StoredCard.objects, "bulk_create", fail)
    response = client.get("/publications/")

    assert response.status_code == 200
    assert "Rivers &amp; rivals" in response.content.decode()
    assert "Could not store publication cards" in caplog.text
    assert not StoredCard.objects.exists()


def test_update_related_items_stores_the_missing_cards(capsys):
    build_site()
    call_command("update_related_items", verbosity=0)

    StoredCard.objects.all().delete()
    # What the drain does not store (an import that bypassed it, say).
    call_command("update_related_items")
    assert "stored the cards of 4 items" in capsys.readouterr().out
    assert StoredCard.objects.count() == 8
    call_command("update_related_items")
    assert "stored the cards of 0 items" in capsys.readouterr().out
    call_command("update_related_items", "--all")
    assert "stored the cards of 4 items" in capsys.readouterr().out
