"""What readers see on public pages: one date format and nested headings."""

import re
from datetime import UTC, datetime

import lxml.html
import pytest

from core.richtext import nest_headings
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


def _heading_levels(content):
    """Return the levels of the headings in <main>, in document order."""
    main = lxml.html.fromstring(content).xpath("//main")[0]
    return [
        int(element.tag[1]) for element in main.iter("h1", "h2", "h3", "h4", "h5", "h6")
    ]


def _skips(levels):
    """Return the places where a heading goes more than one level deeper."""
    return [
        (before, after)
        for before, after in zip([0, *levels], levels, strict=False)
        if after > before + 1
    ]


EDITOR_HEADINGS = "<h2>Part</h2><p>Text.</p><h3>Detail</h3><h4>Aside</h4><h2>Next</h2>"


@pytest.fixture
def headed_site():
    series = make_series(slug="series", description=EDITOR_HEADINGS)
    author = make_author(slug="ann", bio=EDITOR_HEADINGS)
    report = make_report(
        slug="report", tags=["Water"], authors=[author], series=series,
        series_position=1, about=EDITOR_HEADINGS, body=EDITOR_HEADINGS,
        summary_points=["One point."],
    )  # fmt: skip
    make_report(slug="other", tags=["Water"], series=series, series_position=2)
    # Written straight at h3, as some stored bodies are.
    make_related(slug="related", tags=["Water"], body="<h3>Q</h3><p>A.</p><h4>B</h4>")
    return report


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/publications/",
        "/publications/?q=report",
        "/publications/report/",
        "/publications/related/",
        "/topics/",
        "/topics/water/",
        "/authors/",
        "/authors/ann/",
        "/series/",
        "/series/series/",
    ],
)
def test_headings_never_skip_a_level_on_any_public_page(client, headed_site, path):
    response = client.get(path)
    assert response.status_code == 200
    levels = _heading_levels(response.content)
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert _skips(levels) == [], levels


def test_report_text_headings_sit_under_the_section_headings(client, headed_site):
    page = lxml.html.fromstring(client.get("/publications/report/").content)

    for section in ("report-text", "about-report"):
        prose = page.xpath(f'//section[@id="{section}"]/div[@class="prose"]')[0]
        assert [e.tag for e in prose.iter("h2", "h3", "h4", "h5", "h6")] == [
            "h3", "h4", "h5", "h3",
        ]  # fmt: skip
    bio = page.xpath('//section[@id="about-authors"]//div[@class="prose"]')[0]
    # Under the author's name (h3): the three levels written become h4 to h6.
    assert [e.tag for e in bio.iter("h2", "h3", "h4", "h5", "h6")] == [
        "h4", "h5", "h6", "h4",
    ]  # fmt: skip


def test_nest_headings_keeps_the_text_and_closes_each_heading():
    assert nest_headings("<p>No headings.</p>", under=2) == "<p>No headings.</p>"
    assert nest_headings("<h3>Q &amp; A</h3><p>x</p><h2>Top</h2>", under=1) == (
        # The top level is h2; the h3 written first goes no deeper than h2.
        "<h2>Q &amp; A</h2><p>x</p><h2>Top</h2>"
    )
    assert nest_headings("<h2>A</h2><h4>B</h4>", under=2) == "<h3>A</h3><h4>B</h4>"
