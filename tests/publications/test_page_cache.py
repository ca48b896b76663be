"""The shared page cache: exact invalidation, schedules, staff, outages."""

import logging
from datetime import timedelta

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from publications.models import Publication
from tests.caches import redis_is_up, redis_url
from tests.factories import make_author, make_related, make_report, make_series, pin

# Invalidation runs when a transaction commits, so these tests commit.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("page_cache_on"),
]


@pytest.fixture
def page_cache_on():
    """Turn the page cache on, on a real Redis: it needs a shared cache."""
    if not redis_is_up():
        pytest.skip("the page cache needs redis-server (CI installs it)")
    with override_settings(
        FOLIO_PAGE_CACHE_SECONDS=3600,
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url(7),
            }
        },
    ):
        cache.clear()
        yield
        cache.clear()


def get(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return response


def test_second_anonymous_request_is_served_from_the_cache(client):
    make_report(title="Cached report")
    first = get(client, "/publications/")
    second = get(client, "/publications/")
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_a_cached_page_keeps_its_security_headers(client):
    make_report()
    first = get(client, "/publications/")
    hit = get(client, "/publications/")
    assert hit["X-Cache"] == "hit"
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert hit[header] == first[header], header


def test_pages_answer_304_to_a_matching_conditional_request(client):
    make_report()
    first = get(client, "/publications/")
    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/publications/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    since = client.get(
        "/publications/", headers={"if-modified-since": first["Last-Modified"]}
    )
    assert since.status_code == 304


@pytest.mark.parametrize(
    "change",
    [
        "publish",
        "unpublish",
        "delete",
        "rename_author",
        "rename_series",
        "retag",
        "pin",
    ],
)
def test_any_content_change_makes_affected_pages_fresh(client, change):
    author = make_author(name="Ann Original")
    series = make_series(title="Series Original")
    report = make_report(
        title="Report Original", authors=[author], series=series, tags=["Water"]
    )
    draft = make_related(title="Draft Original", published=False, tags=["Water"])
    other = make_related(title="Other Original", tags=["Water"])
    pages = ["/", "/publications/", report.get_absolute_url(), "/topics/water/"]
    for path in pages:
        get(client, path)

    if change == "publish":
        draft.status = Publication.Status.PUBLISHED
        draft.save()
        expected, path = "Draft Original", "/publications/"
    elif change == "unpublish":
        report.status = Publication.Status.DRAFT
        report.save()
        expected, path = None, "/publications/"
    elif change == "delete":
        other.delete()
        expected, path = None, "/publications/"
    elif change == "rename_author":
        author.name = "Ann Renamed"
        author.save()
        expected, path = "Ann Renamed", report.get_absolute_url()
    elif change == "rename_series":
        series.title = "Series Renamed"
        series.save()
        expected, path = "Series Renamed", report.get_absolute_url()
    elif change == "retag":
        report.tags.add("Glaciers")
        expected, path = "Glaciers", report.get_absolute_url()
    else:
        pin(report, other)
        expected, path = "Other Original", report.get_absolute_url()

    response = get(client, path)
    assert response["X-Cache"] == "miss"
    content = response.content.decode()
    if change == "unpublish":
        assert "Report Original" not in content
    elif change == "delete":
        assert "Other Original" not in content
    else:
        assert expected in content


def test_scheduled_item_appears_once_its_time_has_come(client, monkeypatch):
    now = timezone.now()
    make_report(title="Already live")
    make_report(title="Coming soon", publish_at=now + timedelta(seconds=30))
    assert "Coming soon" not in get(client, "/publications/").content.decode()
    assert get(client, "/publications/")["X-Cache"] == "hit"

    later = now + timedelta(seconds=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr("publications.page_cache.time.time", later.timestamp)
    response = get(client, "/publications/")
    assert response["X-Cache"] == "miss"
    assert "Coming soon" in response.content.decode()


def test_embargoed_item_leaves_once_its_unpublish_time_has_passed(client, monkeypatch):
    now = timezone.now()
    make_report(title="Withdrawn soon", unpublish_at=now + timedelta(seconds=20))
    assert "Withdrawn soon" in get(client, "/publications/").content.decode()

    later = now + timedelta(seconds=21)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr("publications.page_cache.time.time", later.timestamp)
    assert "Withdrawn soon" not in get(client, "/publications/").content.decode()


def test_staff_and_previews_are_never_served_from_or_stored_in_the_cache(
    client, admin_user
):
    draft = make_report(title="Secret draft", published=False)
    get(client, "/publications/")  # an anonymous copy is now cached
    client.force_login(admin_user)
    staff_page = get(client, "/publications/")
    assert "X-Cache" not in staff_page
    preview = get(client, draft.get_absolute_url())
    assert "Draft, not public" in preview.content.decode()
    assert "X-Cache" not in preview

    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404
    stored = _cached_pages()
    assert stored, "the anonymous page was stored"
    assert not any(b"Secret draft" in value for value in stored)


def _cached_pages():
    """Return the raw bytes of every page stored in the test's Redis database."""
    client = redis.Redis.from_url(redis_url(7))
    return [client.get(key) for key in client.scan_iter("*folio:page:*")]


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
def test_pages_are_served_uncached_with_a_warning_when_redis_is_down(client, caplog):
    make_report(title="Still readable")
    with caplog.at_level(logging.WARNING, logger="folio"):
        response = client.get("/publications/")
    assert response.status_code == 200
    assert "Still readable" in response.content.decode()
    assert "X-Cache" not in response
    assert any("Page cache unavailable" in r.getMessage() for r in caplog.records)


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)
def test_a_per_process_cache_never_holds_pages(client):
    """Workers would serve pages another worker's save made stale."""
    make_report(title="Local")
    assert "X-Cache" not in get(client, "/publications/")
    assert "X-Cache" not in get(client, "/publications/")
