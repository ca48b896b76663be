"""Whole pages for anonymous readers: fresh after every public change, on Redis
and on the database cache alike, and never filled or skipped at a reader's will."""

import logging
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from publications.caching import forget_in_process
from publications.models import Publication
from tests.caches import DATABASE_CACHE, redis_cache_settings, redis_is_up, redis_url
from tests.factories import (
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
    pin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["redis", "database"])
def site_cache(request, settings):
    """The shared cache of a site with Redis, then of one without."""
    if request.param == "redis":
        if not redis_is_up():
            pytest.skip("no redis-server to start a test Redis from")
        settings.CACHES = redis_cache_settings(redis_url(7))
    else:
        settings.CACHES = DATABASE_CACHE
    cache.clear()
    yield request.param
    cache.clear()


def get(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return response


def test_second_anonymous_request_is_served_from_the_cache(client, site_cache):
    make_report(title="Cached report")
    first = get(client, "/publications/")
    second = get(client, "/publications/")
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_a_cached_page_keeps_its_security_headers(client, site_cache):
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


def test_pages_answer_304_to_a_matching_conditional_request(client, site_cache):
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
    "header",
    [
        {"if-match": '"not-this-page"'},
        {"if-unmodified-since": "Sat, 01 Jan 2000 00:00:00 GMT"},
    ],
)
def test_a_stored_page_answers_412_to_a_failed_precondition(client, site_cache, header):
    make_report()
    assert get(client, "/publications/")["X-Cache"] == "miss"
    refused = client.get("/publications/", headers=header)
    assert refused.status_code == 412
    assert get(client, "/publications/")["X-Cache"] == "hit"


def _change(name, *, report, draft, other, author, series):
    """Make public change *name*; return (path, text expected, text gone)."""
    if name == "publish":
        draft.status = Publication.Status.PUBLISHED
        draft.save()
        return "/publications/", "Draft Original", None
    if name == "unpublish":
        report.status = Publication.Status.DRAFT
        report.save()
        return "/publications/", None, "Report Original"
    if name == "withdraw":
        report.unpublish_at = timezone.now() - timedelta(seconds=1)
        report.publish_at = timezone.now() - timedelta(days=1)
        report.save()
        return "/feeds/publications/", None, "Report Original"
    if name == "delete":
        other.delete()
        return "/publications/", None, "Other Original"
    if name == "edit":
        report.title = "Report Edited"
        report.save()
        return report.get_absolute_url(), "Report Edited", "Report Original"
    if name == "rename_author":
        author.name = "Ann Renamed"
        author.save()
        return report.get_absolute_url(), "Ann Renamed", "Ann Original"
    if name == "rename_series":
        series.title = "Series Renamed"
        series.save()
        return report.get_absolute_url(), "Series Renamed", "Series Original"
    if name == "retag":
        report.tags.add("Glaciers")
        return report.get_absolute_url(), "Glaciers", None
    if name == "untag":
        other.tags.remove("Water")
        return "/topics/water/", None, "Other Original"
    if name == "summary":
        report.summary_points.create(text="A new point", position=9)
        return report.get_absolute_url(), "A new point", None
    assert name == "pin"
    pin(report, other)
    return report.get_absolute_url(), "Other Original", None


@pytest.mark.parametrize(
    "change",
    [
        "publish",
        "unpublish",
        "withdraw",
        "delete",
        "edit",
        "rename_author",
        "rename_series",
        "retag",
        "untag",
        "summary",
        "pin",
    ],
)
def test_every_public_change_makes_cached_pages_fresh(client, site_cache, change):
    author = make_author(name="Ann Original")
    series = make_series(title="Series Original")
    report = make_report(
        title="Report Original", authors=[author], series=series, tags=["Water"]
    )
    draft = make_related(title="Draft Original", published=False, tags=["Water"])
    other = make_related(title="Other Original", tags=["Water"])
    pages = [
        "/",
        "/publications/",
        report.get_absolute_url(),
        "/topics/water/",
        "/feeds/publications/",
    ]
    for path in pages:
        get(client, path)
        assert get(client, path)["X-Cache"] == "hit"

    path, expected, gone = _change(
        change, report=report, draft=draft, other=other, author=author, series=series
    )

    response = get(client, path)
    assert response["X-Cache"] == "miss"
    content = response.content.decode()
    if expected:
        assert expected in content
    if gone:
        assert gone not in content


@pytest.mark.parametrize("change", ["draft", "scheduled", "new draft"])
def test_changes_readers_cannot_see_leave_cached_pages_warm(client, site_cache, change):
    report = make_report(title="Live report", tags=["Water"])
    draft = make_report(title="A draft", published=False, tags=["Water"])
    scheduled = make_report(
        title="Later", publish_at=timezone.now() + timedelta(days=3), tags=["Water"]
    )
    pages = ["/", "/publications/", report.get_absolute_url(), "/topics/water/"]
    for path in pages:
        get(client, path)

    if change == "draft":
        draft.title = "A draft, edited"
        draft.save()
        draft.tags.add("Secret topic")
    elif change == "scheduled":
        scheduled.title = "Later, edited"
        scheduled.save()
    else:
        make_report(title="Another draft", published=False, tags=["Water"])

    for path in pages:
        response = get(client, path)
        assert response["X-Cache"] == "hit", path
        assert "edited" not in response.content.decode()


def _at(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_scheduled_item_appears_once_its_time_has_come(client, site_cache, monkeypatch):
    now = timezone.now()
    make_report(title="Already live")
    make_report(title="Coming soon", publish_at=now + timedelta(seconds=30))
    assert "Coming soon" not in get(client, "/publications/").content.decode()
    assert get(client, "/publications/")["X-Cache"] == "hit"

    _at(monkeypatch, now + timedelta(seconds=29))
    assert get(client, "/publications/")["X-Cache"] == "hit"
    _at(monkeypatch, now + timedelta(seconds=30))
    response = get(client, "/publications/")
    assert response["X-Cache"] == "miss"
    assert "Coming soon" in response.content.decode()


def test_a_scheduled_change_saved_after_pages_were_cached_still_comes_on_time(
    client, site_cache, monkeypatch
):
    now = timezone.now()
    report = make_report(title="Embargoed soon")
    get(client, "/publications/")
    # Saved after the page was cached: moves the next change, not the pages.
    report.unpublish_at = now + timedelta(seconds=20)
    report.save()
    assert get(client, "/publications/")["X-Cache"] == "miss"  # a live edit

    _at(monkeypatch, now + timedelta(seconds=20))
    assert "Embargoed soon" in get(client, "/publications/").content.decode()
    _at(monkeypatch, now + timedelta(seconds=21))
    assert "Embargoed soon" not in get(client, "/publications/").content.decode()


def test_staff_and_previews_are_never_served_from_or_stored_in_the_cache(
    client, site_cache
):
    draft = make_report(title="Secret draft", published=False)
    get(client, "/publications/")  # an anonymous copy is now cached
    client.force_login(make_user(is_superuser=True))
    staff_page = get(client, "/publications/")
    assert "X-Cache" not in staff_page
    preview = get(client, draft.get_absolute_url())
    assert "Draft, not public" in preview.content.decode()
    assert "X-Cache" not in preview

    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert get(client, "/publications/")["X-Cache"] == "hit"
    assert "Secret draft" not in get(client, "/publications/").content.decode()


@pytest.mark.parametrize("cookie", ["garbage", "expired"])
def test_a_session_cookie_without_a_signed_in_user_is_served_from_the_cache(
    client, site_cache, cookie
):
    make_report(title="Public report")
    get(client, "/publications/")
    if cookie == "expired":
        user = make_user(is_superuser=True)
        client.force_login(user)
        value = client.cookies["sessionid"].value
        client.logout()  # the session is gone from the store
    else:
        value = "x" * 32
    client.cookies["sessionid"] = value

    response = get(client, "/publications/")

    assert response["X-Cache"] == "hit"


def test_unknown_query_parameters_share_the_page_and_make_no_entry(client, site_cache):
    make_report(title="Public report")
    first = get(client, "/publications/")
    for query in ("?utm_source=mail", "?x=1&y=2", "?fbclid=abc&page="):
        response = get(client, "/publications/" + query)
        assert response["X-Cache"] == "hit", query
        assert response.content == first.content


def test_known_parameters_make_one_entry_whatever_their_order(client, site_cache):
    make_report(title="Water report", tags=["Water"])
    get(client, "/publications/?type=special-report&topic=water")
    response = get(client, "/publications/?topic=water&utm=1&type=special-report")
    assert response["X-Cache"] == "hit"
    # Repeated: the view reads the last value, and so does the key.
    repeated = get(client, "/publications/?topic=oil&topic=water&type=special-report")
    assert repeated["X-Cache"] == "hit"


def test_sitemap_pages_keep_their_page_parameter(client, site_cache, monkeypatch):
    monkeypatch.setattr("publications.sitemaps.PublicationSitemap.limit", 1)
    make_report(slug="older", publish_at=timezone.now() - timedelta(days=1))
    make_report(slug="newer")
    first = get(client, "/sitemap-publications.xml").content.decode()
    second = get(client, "/sitemap-publications.xml?p=2").content.decode()
    assert "/publications/newer/" in first and "/publications/older/" not in first
    assert "/publications/older/" in second and "/publications/newer/" not in second


def test_each_path_keeps_a_bounded_number_of_variants(client, site_cache, settings):
    settings.FOLIO_PAGE_CACHE_VARIANTS = 3
    make_report(title="Public report")
    outcomes = [get(client, f"/publications/?q=word{n}")["X-Cache"] for n in range(5)]
    assert outcomes == ["miss", "miss", "miss", "skip", "skip"]
    # Past the bound pages are still served, only not stored.
    assert get(client, "/publications/?q=word4")["X-Cache"] == "skip"
    assert get(client, "/publications/?q=word1")["X-Cache"] == "hit"
    assert get(client, "/publications/")["X-Cache"] == "miss"


@pytest.mark.parametrize("host", ["testserver:6666", "localhost"])
def test_a_cached_page_is_the_same_whatever_host_or_scheme_filled_it(
    client, site_cache, settings, host
):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    make_report(title="Public report", tags=["Water"])
    for path in ("/publications/", "/feeds/publications/", "/sitemap.xml"):
        hostile = client.get(
            path,
            headers={
                "host": host,
                "x-forwarded-proto": "https",
                "x-forwarded-host": "evil.example",
            },
        )
        cache.clear()
        forget_in_process()
        plain = client.get(path)
        assert hostile.status_code == plain.status_code == 200, path
        assert hostile.content == plain.content, path


def test_a_host_not_allowed_is_refused_even_when_the_page_is_cached(client, site_cache):
    make_report(title="Public report")
    get(client, "/publications/")
    assert get(client, "/publications/")["X-Cache"] == "hit"

    response = client.get("/publications/", headers={"host": "evil.example"})

    assert response.status_code == 400


def test_pages_are_built_afresh_with_a_warning_when_redis_is_down(
    client, settings, caplog
):
    settings.CACHES = redis_cache_settings(
        "redis://127.0.0.1:1/0", socket_connect_timeout=0.2, socket_timeout=0.2
    )
    make_report(title="Still readable")
    with caplog.at_level(logging.WARNING, logger="folio"):
        first = client.get("/publications/")
        second = client.get("/publications/")
    for response in (first, second):
        assert response.status_code == 200
        assert "Still readable" in response.content.decode()
        assert response["X-Cache"] == "skip"
    assert any("Page cache unavailable" in r.getMessage() for r in caplog.records)


@pytest.fixture
def shared_cache_reads(monkeypatch):
    """Record the keys read from the shared cache."""
    from django.core.cache import caches

    backend = caches["default"]
    keys = []
    read = backend.get

    def counted(key, *args, **kwargs):
        keys.append(key)
        return read(key, *args, **kwargs)

    monkeypatch.setattr(backend, "get", counted)
    return keys


def test_a_recent_page_is_served_from_the_process_under_the_version_rule(
    client, site_cache, shared_cache_reads
):
    report = make_report(title="Kept in memory", slug="kept")
    assert get(client, "/publications/kept/")["X-Cache"] == "miss"
    shared_cache_reads.clear()

    hit = get(client, "/publications/kept/")

    assert hit["X-Cache"] == "hit"
    assert shared_cache_reads == []
    report.title = "Changed in the database"
    report.save()
    fresh = get(client, "/publications/kept/")
    assert fresh["X-Cache"] == "miss"
    assert "Changed in the database" in fresh.content.decode()


def test_the_process_keeps_a_bounded_number_of_pages(
    client, site_cache, settings, shared_cache_reads
):
    settings.FOLIO_PAGE_CACHE_IN_PROCESS = 1
    make_report(slug="first")
    make_report(slug="second")
    get(client, "/publications/first/")
    get(client, "/publications/second/")
    shared_cache_reads.clear()

    again = get(client, "/publications/first/")

    # Pushed out of the process by the second page: read from the shared cache.
    assert again["X-Cache"] == "hit"
    assert len(shared_cache_reads) == 1
