"""No public page shows a draft, scheduled or expired item, nor serves its PDF."""

from datetime import timedelta

import pytest
from django.utils import timezone

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
