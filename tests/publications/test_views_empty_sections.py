"""Public pages show a section heading only with something under it.

Items published before the publishing rule may lack authors, a summary,
topics or related items; their pages still read well.
"""

import re

import pytest

from tests.factories import (
    ago,
    make_author,
    make_related,
    make_report,
    make_series,
)
from tests.pages import html

pytestmark = pytest.mark.django_db

REPORT_SECTIONS = {
    "Summary": 'id="summary"',
    "About the Report": 'id="about-report"',
    "About the Author": 'id="about-authors"',
    "Topics": 'id="topics"',
    "Related Publications": 'id="related-publications"',
    "Cite this report": 'id="cite"',
}


def _headings(content):
    """Return the text of every h2 on the page."""
    return [
        re.sub(r"<[^>]+>", "", heading).strip()
        for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", content, re.S)
    ]


def _bare_report(**fields):
    return make_report(
        authors=(), summary_points=(), about="", tags=(), teaser="", **fields
    )


def test_an_incomplete_old_report_shows_no_empty_section(client):
    report = _bare_report(title="Old report")

    content = html(client.get(report.get_absolute_url()))

    assert "Old report" in content
    assert _headings(content) == []  # not even an empty "On this page"
    for heading, anchor in REPORT_SECTIONS.items():
        assert anchor not in content, heading
        assert f'href="#{anchor[4:-1]}"' not in content, heading
    assert '<p class="teaser"></p>' not in content
    assert 'class="authors"' not in content


def test_a_complete_report_shows_every_section(client):
    series = make_series(title="Energy Futures")
    report = make_report(
        title="Full report",
        tags=["Oil"],
        authors=[make_author(name="Amara Okafor")],
        series=series,
    )
    make_related(title="On oil", tags=["Oil"], publish_at=ago(2))

    content = html(client.get(report.get_absolute_url()))

    assert '<nav class="toc" aria-label="On this page">' in content
    assert _headings(content) == [
        "Summary",
        "About the Report",
        "About the Author",
        "Topics",
        "Related Publications",
        "Cite this report",
    ]
    assert "Okafor, Amara. " in content  # the citation credits the author


def test_a_report_without_authors_is_not_cited_as_the_institute(client, settings):
    settings.FOLIO_PUBLISHER = "The Peace Institute"
    report = make_report(title="Unsigned", authors=())

    content = html(client.get(report.get_absolute_url()))

    assert "Cite this report" not in content
    assert "The Peace Institute." not in content


def test_related_publication_without_topics_or_related_items(client):
    related = make_related(title="Lonely analysis")

    content = html(client.get(related.get_absolute_url()))

    assert "Lonely analysis" in content
    assert _headings(content) == []
    assert "Related Publications" not in content


def test_related_publication_with_topics_and_related_items(client):
    related = make_related(title="Analysis", tags=["Oil"])
    make_report(title="Oil report", tags=["Oil"], publish_at=ago(3))

    content = html(client.get(related.get_absolute_url()))

    assert _headings(content) == ["Topics", "Related Publications"]


def test_home_with_only_the_featured_report_has_no_empty_latest_list(client):
    make_report(title="Only report")

    content = html(client.get("/"))

    assert "Only report" in content
    assert "Latest Reports" not in _headings(content)


def test_home_lists_latest_reports_beside_the_featured_one(client):
    make_report(title="Newest", publish_at=ago(1))
    make_report(title="Older", publish_at=ago(2))

    assert "Latest Reports" in _headings(html(client.get("/")))


def test_listing_pages_of_incomplete_items_show_no_empty_parts(client):
    """Cards without authors or topics leave out the byline and the tag list."""
    author = make_author(slug="ann")
    series = make_series(slug="energy")
    make_report(title="Signed", authors=[author], tags=["Oil"], series=series)
    _bare_report(title="Unsigned", series=series)
    make_related(title="Untagged", authors=[author])

    for url in ("/authors/ann/", "/series/energy/", "/topics/oil/", "/publications/"):
        content = html(client.get(url))
        assert '<ul class="tags"' not in content.replace(
            '<ul class="tags" aria-label="Topics"><li>', ""
        ), url
        assert '<span class="sep" aria-hidden="true">·</span> </p>' not in content
        assert "<h2></h2>" not in content, url
        for card in re.findall(r'<article class="card.*?</article>', content, re.S):
            assert ("·" in card) == ("/authors/ann/" in card), url
