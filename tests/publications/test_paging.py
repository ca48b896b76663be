"""Deep pages: the same rows whichever way the page is found."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from publications import paging
from tests.caches import shared_cache_settings
from tests.factories import make_author, make_related, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    """Take the deep-page paths from the first page, anchored every 7 rows."""
    monkeypatch.setattr(paging, "DEFERRED_JOIN_OFFSET", 0)
    monkeypatch.setattr(paging, "ANCHOR_STEP", 7)


def build_list():
    """Return slugs of 53 live items, newest first, many sharing a publish time."""
    now = timezone.now().replace(microsecond=0)
    ann = make_author(slug="ann")
    for n in range(53):
        # Groups of four share a moment, so ties are settled by id.
        moment = now - timedelta(hours=n // 4)
        maker = make_report if n % 3 else make_related
        maker(slug=f"item-{n}", publish_at=moment, tags=["Water"], authors=[ann])
    make_report(slug="draft", published=False, tags=["Water"], authors=[ann])
    from publications.models import Publication

    return list(
        Publication.objects.live().newest_first().values_list("slug", flat=True)
    )


def slugs_on(client, url):
    content = client.get(url).content.decode()
    return [
        part.split('/"', 1)[0]
        for part in content.split('class="card-title"><a href="/publications/')[1:]
    ]


def every_page(client, url):
    pages = []
    for number in range(1, 4):
        separator = "" if url.endswith("&") else "?"
        pages.extend(slugs_on(client, f"{url}{separator}page={number}"))
    return pages


@pytest.mark.parametrize("url", ["/publications/", "/topics/water/", "/authors/ann/"])
def test_anchored_deep_pages_list_what_offsets_list(
    client, shared_cache, small_pages, url
):
    expected = build_list()

    first_visit = every_page(client, url)
    remembered = every_page(client, url)

    assert first_visit == expected
    assert remembered == expected


def test_deep_pages_without_a_shared_cache_count_past_earlier_rows(client, small_pages):
    expected = build_list()

    assert every_page(client, "/publications/") == expected


def build_matches():
    now = timezone.now().replace(microsecond=0)
    for n in range(45):
        words = "water " * (n % 5 + 1)
        make_report(
            slug=f"match-{n}",
            title=f"Match {n}",
            teaser=f"{words}and rivers.",
            publish_at=now - timedelta(hours=n // 3),
        )
    make_report(slug="unrelated", teaser="Oil.")


def test_search_pages_from_a_remembered_ranking_match_the_database(
    client, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(paging, "RANKED_IDS_KEPT", 30)
    build_matches()
    expected = every_page(client, "/publications/?q=water&")

    settings.CACHES = shared_cache_settings(tmp_path)
    cache.clear()
    assert len(expected) == 45
    assert every_page(client, "/publications/?q=water&") == expected
    assert every_page(client, "/publications/?q=water&") == expected
