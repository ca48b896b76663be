"""RSS and Atom feeds: live items only, every field, constant queries."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from publications.caching import forget_in_process
from tests.caches import shared_cache_settings
from tests.factories import make_author, make_related, make_report, make_series

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel").findall("item")


def test_rss_feed_lists_live_items_newest_first_with_every_field(client):
    now = timezone.now()
    first, second = make_author(name="Amara Okafor"), make_author(name="Lena Brandt")
    report = make_report(
        title="Water & Peace",
        teaser="Rivers shared across borders.",
        authors=[second, first],
        tags=["Water", "Diplomacy"],
        pdf=True,
        publish_at=now - timedelta(days=1),
    )
    make_related(title="Older analysis", publish_at=now - timedelta(days=3))

    items = rss_items(client.get(reverse("publications:feed-latest")))

    assert [item.findtext("title") for item in items] == [
        "Water & Peace",
        "Older analysis",
    ]
    item = items[0]
    assert item.findtext("link").endswith(f"/publications/{report.slug}/")
    assert item.findtext("description") == "Rivers shared across borders."
    assert item.findtext("pubDate")
    assert "Lena Brandt, Amara Okafor" in ET.tostring(item, encoding="unicode")
    assert sorted(c.text for c in item.findall("category")) == ["Diplomacy", "Water"]
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "application/pdf"
    assert enclosure.get("url").endswith(f"/publications/{report.slug}/pdf/")
    assert int(enclosure.get("length")) > 0
    assert items[1].find("enclosure") is None


def test_atom_feed_parses_and_lists_live_items(client):
    make_report(title="Atom report", authors=[make_author(name="Ann Lee")])
    response = client.get(reverse("publications:feed-latest-atom"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Atom report"]
    assert entries[0].find(f"{ATOM}author").findtext(f"{ATOM}name") == "Ann Lee"
    assert entries[0].findtext(f"{ATOM}summary")


def test_feeds_leave_out_drafts_scheduled_and_expired_items(client):
    now = timezone.now()
    make_report(title="Live one")
    make_report(title="Secret draft", published=False)
    make_report(title="Secret scheduled", publish_at=now + timedelta(hours=1))
    make_related(
        title="Secret expired",
        publish_at=now - timedelta(days=2),
        unpublish_at=now - timedelta(days=1),
    )
    for name in ("publications:feed-latest", "publications:feed-latest-atom"):
        content = client.get(reverse(name)).content.decode()
        assert "Live one" in content
        assert "Secret" not in content


def test_topic_author_and_series_feeds_list_only_their_items(client):
    author = make_author(name="Ann Lee")
    series = make_series(title="Borders")
    make_report(title="In all three", tags=["Water"], authors=[author], series=series)
    make_report(title="Elsewhere", tags=["Trade"])
    make_report(title="Draft in all", tags=["Water"], authors=[author], series=series,
                published=False)  # fmt: skip
    urls = [
        reverse("publications:feed-topic", kwargs={"slug": "water"}),
        reverse("publications:feed-author", kwargs={"slug": author.slug}),
        reverse("publications:feed-series", kwargs={"slug": series.slug}),
    ]
    for url in urls:
        titles = [item.findtext("title") for item in rss_items(client.get(url))]
        assert titles == ["In all three"], url


def test_feed_of_unknown_topic_is_404(client):
    url = reverse("publications:feed-topic", kwargs={"slug": "no-such-topic"})
    assert client.get(url).status_code == 404


def test_feed_is_capped_at_fifty_items(client):
    for number in range(52):
        make_related(title=f"Item {number}")
    assert len(rss_items(client.get(reverse("publications:feed-latest")))) == 50


@pytest.mark.parametrize("count", [3, 12])
def test_feed_query_count_does_not_grow_with_items(
    client, count, django_assert_max_num_queries
):
    authors = [make_author(name=f"Author {n}") for n in range(3)]
    for number in range(count):
        make_report(
            title=f"Report {number}", authors=authors, tags=["A", "B", "C"], pdf=True
        )
        make_related(title=f"Related {number}", authors=authors[:1], tags=["A"])
    # The content version, the ids, then the entries' rows with authors and topics.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("publications:feed-latest"))
    assert len(rss_items(response)) == 2 * count


FEEDS = [
    "/feeds/publications/",
    "/feeds/publications/atom/",
    "/feeds/topics/water/",
    "/feeds/authors/amara/",
]


def build_feed_site():
    amara = make_author(name="Amara Okafor", slug="amara")
    make_report(
        title="Water & Peace", authors=[amara], tags=["Water"], pdf=True, number=4
    )
    make_related(title="Talks", authors=[amara], tags=["Water"])
    make_related(
        title="Elsewhere", tags=["Water"], external_url="https://example.org/a"
    )
    return amara


def test_feeds_from_remembered_entries_are_the_feeds_built_afresh(
    client, settings, tmp_path
):
    build_feed_site()
    fresh = {url: client.get(url).content for url in FEEDS}

    settings.CACHES = shared_cache_settings(tmp_path)
    cache.clear()
    forget_in_process()
    built = {url: client.get(url).content for url in FEEDS}
    remembered = {url: client.get(url).content for url in FEEDS}

    assert built == fresh
    assert remembered == fresh


def test_a_warm_feed_reads_only_its_item_ids(
    client, shared_cache, django_capture_on_commit_callbacks, django_assert_num_queries
):
    amara = build_feed_site()
    client.get("/feeds/publications/")

    with django_assert_num_queries(1):
        client.get("/feeds/publications/")

    with django_capture_on_commit_callbacks(execute=True):
        amara.name = "Amara Renamed"
        amara.save()
    items = rss_items(client.get("/feeds/publications/"))
    creators = {
        item.findtext("title"): item.findtext(
            "{http://purl.org/dc/elements/1.1/}creator"
        )
        for item in items
    }
    assert creators["Water & Peace"] == "Amara Renamed"
