"""What readers see on public pages: one date format and nested headings."""

import re
from datetime import UTC, datetime

import pytest

from tests.factories import make_author, make_related, make_report, make_series
from tests.pages import html

pytestmark = pytest.mark.django_db

TUESDAY = datetime(2024, 4, 30, 14, 0, tzinfo=UTC)
WEEKDAY_DATE = "Tuesday, April 30, 2024"
# A date written without its weekday, as pages wrote them before.
BARE_DATE = re.compile(r"(?<!, )April 30, 2024")


@pytest.fixture
def dated_site():
    series = make_series(title="Series", slug="series")
    author = make_author(name="Ann Author", slug="ann")
    report = make_report(
        title="Featured", slug="featured", tags=["Water"], authors=[author],
        series=series, series_position=1, publish_at=TUESDAY,
    )  # fmt: skip
    make_report(
        title="Sibling", slug="sibling", series=series, series_position=2,
        publish_at=TUESDAY.replace(day=1, month=5),
    )  # fmt: skip
    make_related(title="Related", slug="related", tags=["Water"], publish_at=TUESDAY)
    return report


@pytest.mark.parametrize(
    "path",
    ["/", "/publications/", "/topics/water/", "/authors/ann/", "/series/series/"],
)
def test_lists_write_dates_with_the_weekday(client, dated_site, path):
    content = html(client.get(path))
    assert WEEKDAY_DATE in content
    assert not BARE_DATE.search(content)


def test_report_page_dates_its_head_related_items_and_series_box_alike(
    client, dated_site
):
    content = html(client.get(dated_site.get_absolute_url()))
    related = content[content.index('id="related-publications"') :]
    series_box = content[content.index('class="series-box"') :]

    assert content.count(f">{WEEKDAY_DATE}</time>") == 2  # head and related item
    assert WEEKDAY_DATE in related
    assert "Special Report, Wednesday, May 1, 2024" in series_box
    assert '<time datetime="2024-04-30T14:00:00+00:00">' in content
    assert not BARE_DATE.search(content)


def test_dates_are_written_in_the_site_time_zone(client, settings):
    settings.TIME_ZONE = "America/New_York"
    report = make_report(publish_at=datetime(2024, 5, 1, 2, 0, tzinfo=UTC))
    content = html(client.get(report.get_absolute_url()))
    assert '<time datetime="2024-04-30T22:00:00-04:00">Tuesday, April 30, 2024' in (
        content
    )
