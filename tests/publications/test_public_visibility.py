"""No public page shows a draft, scheduled or expired item, nor serves its PDF."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from publications import feeds, views
from tests.factories import (
    make_author,
    make_related,
    make_report,
    make_series,
    pin,
)

pytestmark = pytest.mark.django_db

HIDDEN_TITLES = [
    "Hidden draft report",
    "Hidden scheduled report",
    "Hidden expired report",
    "Hidden draft analysis",
    "Hidden scheduled analysis",
]


def test_every_public_url_hides_items_that_are_not_live(client):
    now = timezone.now()
    author = make_author(name="Shared Author", slug="shared-author")
    series = make_series(title="Shared Series", slug="shared-series")
    shared = {"tags": ["Shared topic"], "authors": [author]}
    live = make_report(
        title="Live report",
        slug="live-report",
        series=series,
        summary_points=["A point"],
        pdf=True,
        **shared,
    )
    live_related = make_related(title="Live analysis", slug="live-analysis", **shared)
    hidden = [
        make_report(
            title="Hidden draft report", series=series, published=False, pdf=True,
            **shared,
        ),
        make_report(
            title="Hidden scheduled report", series=series,
            publish_at=now + timedelta(days=2), pdf=True, **shared,
        ),
        make_report(
            title="Hidden expired report", series=series,
            publish_at=now - timedelta(days=9), unpublish_at=now - timedelta(days=1),
            pdf=True, **shared,
        ),
        make_related(title="Hidden draft analysis", published=False, **shared),
        make_related(
            title="Hidden scheduled analysis", publish_at=now + timedelta(days=1),
            **shared,
        ),
    ]  # fmt: skip
    pin(live, *hidden)
    pin(live_related, *hidden)

    year = live.publish_at.year
    # Each URL with text that proves the page shows its live content.
    urls = {
        "/": "Live report",
        "/publications/": "Live analysis",
        "/publications/?type=special-report": "Live report",
        "/publications/?type=analysis": "Live analysis",
        "/publications/?topic=shared-topic": "2 publications",
        "/publications/?series=shared-series": "1 publication",
        "/publications/?author=shared-author": "2 publications",
        f"/publications/?year={year}": "2 publications",
        "/publications/?q=hidden": "No publications match",
        "/publications/?q=report": "1 publication",
        "/publications/live-report/": "Live analysis",
        "/publications/live-analysis/": "Live report",
        "/authors/": "2 publications",
        "/authors/shared-author/": "Live report",
        "/series/": "1 report",
        "/series/shared-series/": "Live report",
        "/topics/": "2 publications",
        "/topics/shared-topic/": "Live analysis",
    }
    for url, expected in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert expected in content, url
        for title in HIDDEN_TITLES:
            assert title not in content, (url, title)
        for item in hidden:
            assert item.get_absolute_url() not in content, (url, item.slug)

    assert client.get("/publications/live-report/pdf/").status_code == 200
    for item in hidden:
        assert client.get(item.get_absolute_url()).status_code == 404, item.slug
        assert client.get(f"{item.get_absolute_url()}pdf/").status_code == 404
        if getattr(item, "pdf", None):
            assert client.get(f"/media/private/{item.pdf.name}").status_code == 404


def test_a_topic_used_only_by_items_not_live_stays_hidden(client):
    make_report(title="Visible", tags=["Visible topic"])
    make_report(title="Embargoed", tags=["Embargo topic"], published=False)

    for url in ("/", "/publications/", "/topics/"):
        assert "Embargo topic" not in client.get(url).content.decode(), url
    assert client.get("/topics/embargo-topic/").status_code == 404


def _owners_with_nothing_live():
    """Create a topic, author and series used only by items not live yet."""
    now = timezone.now()
    author = make_author(name="Hidden Author", slug="hidden-author")
    series = make_series(title="Hidden Series", slug="hidden-series")
    make_report(
        title="Draft", tags=["Hidden topic"], authors=[author], series=series,
        published=False,
    )  # fmt: skip
    make_report(
        title="Scheduled", tags=["Hidden topic"], authors=[author], series=series,
        publish_at=now + timedelta(days=1),
    )  # fmt: skip
    make_report(
        title="Expired", tags=["Hidden topic"], authors=[author], series=series,
        publish_at=now - timedelta(days=9), unpublish_at=now - timedelta(days=1),
    )  # fmt: skip
    make_report(title="Live elsewhere", tags=["Live topic"])


# Each page or feed of a topic, author or series, with the hidden one's slug.
OWNER_URLS = {
    "/topics/{}/": "hidden-topic",
    "/authors/{}/": "hidden-author",
    "/series/{}/": "hidden-series",
    "/feeds/topics/{}/": "hidden-topic",
    "/feeds/authors/{}/": "hidden-author",
    "/feeds/series/{}/": "hidden-series",
}


@pytest.mark.parametrize(("url", "hidden_slug"), OWNER_URLS.items())
def test_an_owner_with_nothing_live_answers_as_an_unknown_slug(
    client, url, hidden_slug
):
    _owners_with_nothing_live()
    hidden = client.get(url.format(hidden_slug))
    unknown = client.get(url.format("no-such-slug"))

    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content == unknown.content
    assert b"Hidden" not in hidden.content


def test_every_404_page_is_the_same_whatever_the_address(client):
    _owners_with_nothing_live()
    bodies = {client.get(url.format(slug)).content for url, slug in OWNER_URLS.items()}
    bodies.add(client.get("/no-such-page/").content)

    assert len(bodies) == 1


def test_the_series_sitemap_lists_only_series_with_a_live_report(client):
    _owners_with_nothing_live()
    make_series(title="Empty", slug="empty-series")
    make_report(series=make_series(title="Live", slug="live-series"))

    content = client.get("/sitemap-series.xml").content.decode()

    assert "/series/live-series/" in content
    assert "/series/hidden-series/" not in content
    assert "/series/empty-series/" not in content


def test_staff_may_preview_an_author_and_series_with_nothing_live(
    client, django_user_model
):
    _owners_with_nothing_live()
    staff = django_user_model.objects.create_superuser("boss", password="pw")
    client.force_login(staff)

    for url in ("/authors/hidden-author/", "/series/hidden-series/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/authors/no-such-slug/").status_code == 404


OWNER_VIEWS = {
    "topic page": (views.TopicDetailView.as_view(), "hidden-topic"),
    "author page": (views.AuthorDetailView.as_view(), "hidden-author"),
    "series page": (views.SeriesDetailView.as_view(), "hidden-series"),
    "topic feed": (feeds.TopicFeed(), "hidden-topic"),
    "author feed": (feeds.AuthorFeed(), "hidden-author"),
    "series feed": (feeds.SeriesFeed(), "hidden-series"),
}


@pytest.mark.parametrize(("view", "hidden_slug"), OWNER_VIEWS.values(), ids=OWNER_VIEWS)
def test_debug_pages_give_the_same_reason_for_unknown_and_hidden_owners(
    rf, view, hidden_slug
):
    """DEBUG's 404 page shows the reason: it must not tell the two apart."""
    _owners_with_nothing_live()
    reasons = []
    for slug in (hidden_slug, "no-such-slug"):
        request = rf.get("/")
        request.user = AnonymousUser()
        with pytest.raises(Http404) as raised:
            view(request, slug=slug)
        reasons.append(str(raised.value))

    assert reasons[0] == reasons[1]
