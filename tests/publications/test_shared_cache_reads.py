"""Reads remembered in a shared cache: same results, fewer queries, exact freshness."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publications import page_cache
from publications.data_cache import remember
from publications.models import Publication
from publications.paging import count_publications
from publications.related import related_publications
from publications.selectors import listing_choices
from tests.caches import shared_cache_settings
from tests.factories import make_author, make_related, make_report, make_series, pin

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.now() - timedelta(days=days)


def titles(publications):
    return [publication.title for publication in publications]


def build_related_site():
    source = make_report(title="Source", tags=["a", "b", "c", "d", "rare"])
    make_report(title="Four, old", tags=["a", "b", "c", "rare"], publish_at=ago(40))
    make_report(title="Three, new", tags=["a", "b", "rare"], publish_at=ago(2))
    make_report(title="Three, old", tags=["a", "c", "d"], publish_at=ago(30))
    make_related(title="Two", tags=["a", "b"], publish_at=ago(1))
    for n in range(6):
        make_report(title=f"One {n}", tags=["a"], publish_at=ago(10 + n))
    make_report(title="Draft, five", tags=["a", "b", "c", "d"], published=False)
    make_report(title="Unrelated", tags=["z"])
    pin(
        source,
        make_report(title="Pinned", tags=["z"]),
        make_report(title="Pinned draft", published=False),
        make_report(title="Pinned and sharing", tags=["a", "b", "c", "d"]),
    )
    return source


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 8, 20])
def test_related_items_are_the_same_with_a_shared_cache(settings, tmp_path, limit):
    source = build_related_site()
    expected = titles(related_publications(source, limit=limit))

    settings.CACHES = shared_cache_settings(tmp_path)
    cache.clear()
    first = titles(related_publications(source, limit=limit))
    with CaptureQueriesContext(connection) as queries:
        again = titles(related_publications(source, limit=limit))

    assert first == expected
    assert again == expected
    assert len(queries) == 1
    cache.clear()


def test_related_items_with_only_common_tags_are_the_same(settings, tmp_path):
    source = make_report(title="Source", tags=["a", "b"])
    for n in range(5):
        make_report(title=f"Both {n}", tags=["a", "b"], publish_at=ago(n + 1))
        make_report(title=f"One {n}", tags=["b"], publish_at=ago(n))
    expected = titles(related_publications(source, limit=8))

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }

    assert titles(related_publications(source, limit=8)) == expected


def test_listing_filter_options_are_remembered_until_content_changes(
    client, shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_report(tags=["Water"], authors=[make_author(slug="ann")])
    with CaptureQueriesContext(connection) as first:
        client.get("/publications/")

    with CaptureQueriesContext(connection) as second:
        response = client.get("/publications/")
    assert '<option value="water">Water (1)</option>' in response.content.decode()
    # The five choice queries (types, topics, series, authors, years) are gone.
    assert len(second) <= len(first) - 5

    with django_capture_on_commit_callbacks(execute=True):
        make_report(tags=["Water"])

    response = client.get("/publications/?topic=water")
    content = response.content.decode()
    assert '<option value="water" selected>Water (2)</option>' in content


def test_listing_choices_leave_out_excluded_keys(shared_cache):
    make_report(tags=["Water"])

    choices = listing_choices(without=("topics",))

    assert choices["topics"] == []
    assert listing_choices()["topics"][0]["name"] == "Water"


def test_remembered_results_expire_at_the_next_scheduled_change(shared_cache):
    scheduled = make_report(publish_at=timezone.now() + timedelta(hours=2))
    remember("sample", lambda: "value")

    version = shared_cache.get(page_cache.VERSION_KEY)
    made_at, until, value = shared_cache.get("folio:data:sample")

    assert (made_at, value) == (version, "value")
    assert until == pytest.approx(scheduled.publish_at.timestamp())


def test_remember_skips_the_cache_for_another_moment(shared_cache):
    calls = []
    remember("sample", lambda: calls.append(1), now=ago(1))
    remember("sample", lambda: calls.append(1), now=ago(1))

    assert len(calls) == 2


def test_counts_are_remembered_per_key(shared_cache):
    make_report()
    live = Publication.objects.live()

    assert count_publications(live, key="all") == 1
    make_report()
    assert count_publications(live, key="all") == 1  # no commit, same version
    assert count_publications(live, key="other") == 2


@contextmanager
def a_request():
    """Signal a request's start and end, as the handler does.

    Django also closes old database connections on these signals; the test
    client leaves that out too, or the test's transaction would be lost.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        try:
            yield
        finally:
            request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_request_reads_the_content_version_once_and_the_next_one_afresh(
    shared_cache,
):
    with a_request():
        assert remember("sample", lambda: "first") == "first"
        # Another server saves content: this page is still built from one
        # version, so it does not mix old and new parts.
        shared_cache.incr(page_cache.VERSION_KEY)
        assert remember("sample", lambda: "second") == "first"

    with a_request():
        assert remember("sample", lambda: "second") == "second"


def test_outside_requests_every_read_asks_for_the_version(shared_cache):
    remember("sample", lambda: "first")
    shared_cache.incr(page_cache.VERSION_KEY)

    assert remember("sample", lambda: "second") == "second"


def test_filter_options_kept_in_a_process_follow_a_change_made_elsewhere(
    client, shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_report(tags=["Water"])
    client.get("/publications/")
    # Saved through another app server: its signal moves the shared version.
    make_report(tags=["Oil"])

    assert '<option value="oil">' not in client.get("/publications/").content.decode()
    shared_cache.incr(page_cache.VERSION_KEY)
    content = client.get("/publications/").content.decode()

    assert '<option value="oil">Oil (1)</option>' in content


@pytest.mark.parametrize(
    ("url", "before", "after"),
    [
        ("/topics/", "Water", "Oil"),
        ("/authors/", "Ann Author", "Bo Author"),
        ("/series/", "Water Briefings", "Oil Briefings"),
        ("/", "Water", "Oil"),
    ],
)
def test_index_pages_follow_content_changes_at_once(
    client, shared_cache, django_capture_on_commit_callbacks, url, before, after
):
    with django_capture_on_commit_callbacks(execute=True):
        make_report(
            tags=["Water"],
            authors=[make_author(name="Ann Author")],
            series=make_series(title="Water Briefings"),
        )
    assert before in client.get(url).content.decode()
    assert after not in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        make_report(
            tags=["Oil"],
            authors=[make_author(name="Bo Author")],
            series=make_series(title="Oil Briefings"),
        )

    assert after in client.get(url).content.decode()
