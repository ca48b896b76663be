"""/publications/ and /topics/<slug>/: filters, pages, empty and bad input."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ago, make_author, make_related, make_report, make_series

pytestmark = pytest.mark.django_db

LIST_URL = "/publications/"


def listed_titles(response):
    return [publication.title for publication in response.context["object_list"]]


def test_lists_live_reports_and_related_publications_newest_first(client):
    make_report(title="Older report", publish_at=ago(9))
    make_related(title="Newer analysis", publish_at=ago(1))
    make_report(title="Draft", published=False)
    make_report(title="Scheduled", publish_at=ago(-1))

    response = client.get(reverse("publications:publication-list"))

    assert response.status_code == 200
    assert listed_titles(response) == ["Newer analysis", "Older report"]
    assert b"<h1>All Publications</h1>" in response.content


def test_cards_link_external_related_publications_straight_out(client):
    make_related(title="Elsewhere", external_url="https://example.org/piece")
    make_related(title="Here", slug="here")

    content = client.get(LIST_URL).content.decode()

    assert 'href="https://example.org/piece"' in content
    assert 'href="/publications/here/"' in content


def test_cards_show_thumbnail_not_full_image(client):
    report = make_report(image=True)

    content = client.get(LIST_URL).content.decode()

    assert report.thumbnail.url in content
    assert report.image.url not in content
    assert 'alt="Cover image"' in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=peace-brief", ["Brief on oil"]),
        ("topic=water", ["Water analysis", "Report on water"]),
        ("series=energy", ["Brief on oil"]),
        ("author=ann", ["Report on water", "Brief on oil"]),
        ("q=oil", ["Brief on oil"]),
        ("topic=water&type=analysis", ["Water analysis"]),
        ("author=ann&series=energy&type=peace-brief", ["Brief on oil"]),
    ],
)
def test_filters_combine(client, query, expected):
    ann = make_author(name="Ann", slug="ann")
    make_report(
        title="Report on water", tags=["Water"], authors=[ann], publish_at=ago(5)
    )
    make_report(
        title="Brief on oil",
        type_slug="peace-brief",
        series=make_series(slug="energy"),
        authors=[ann],
        publish_at=ago(6),
    )
    make_related(title="Water analysis", tags=["Water"], publish_at=ago(1))

    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert listed_titles(response) == expected


def test_year_filter(client):
    this_year = timezone.now().year
    make_report(
        title="Last year", publish_at=timezone.now().replace(year=this_year - 1)
    )
    make_report(title="This year")

    response = client.get(f"{LIST_URL}?year={this_year - 1}")

    assert listed_titles(response) == ["Last year"]


def test_form_shows_current_choices_selected_with_counts_under_the_other_filters(
    client,
):
    make_report(tags=["Water"], series=make_series(title="Energy", slug="energy"))
    make_report(tags=["Water", "Oil"])
    make_related(tags=["Oil"])

    content = client.get(f"{LIST_URL}?topic=water&series=energy").content.decode()
    unfiltered = client.get(LIST_URL).content.decode()

    assert '<option value="water" selected>Water (1)</option>' in content
    assert '<option value="oil">' not in content
    assert '<option value="energy" selected>Energy (1)</option>' in content
    assert '<optgroup label="Reports">' in content
    assert '<option value="water">Water (2)</option>' in unfiltered
    assert '<option value="oil">Oil (2)</option>' in unfiltered


def test_filter_form_never_offers_choices_only_drafts_have(client):
    make_report(tags=["Public"])
    make_report(
        tags=["Secret plan"],
        series=make_series(title="Secret series"),
        authors=[make_author(name="Secret Sam")],
        published=False,
    )

    content = client.get(LIST_URL).content.decode()

    assert "Public" in content
    for hidden in ("Secret plan", "Secret series", "Secret Sam"):
        assert hidden not in content


def test_no_match_gives_an_empty_list_with_a_clear_message(client):
    make_report(tags=["Water"])

    response = client.get(f"{LIST_URL}?topic=water&q=zzzz")

    assert response.status_code == 200
    assert listed_titles(response) == []
    assert b"No publications match these filters" in response.content
    assert b"clear all filters" in response.content


def test_unknown_slug_gives_an_empty_list_and_stays_selected(client):
    make_report(tags=["Water"])

    response = client.get(f"{LIST_URL}?topic=no-such-topic")

    assert response.status_code == 200
    assert listed_titles(response) == []
    assert b'value="no-such-topic" selected' in response.content


def test_active_filters_can_be_removed_one_by_one(client):
    make_report(tags=["Water"], type_slug="peace-brief")

    content = client.get(f"{LIST_URL}?topic=water&type=peace-brief").content.decode()

    assert 'href="?type=peace-brief"' in content
    assert 'href="?topic=water"' in content


def test_twenty_a_page_with_filters_kept_in_page_links(client):
    for n in range(25):
        make_report(title=f"Report {n:02}", tags=["Water"], publish_at=ago(n + 1))
    make_report(title="Dry", publish_at=ago(100))

    first = client.get(f"{LIST_URL}?topic=water")
    second = client.get(f"{LIST_URL}?topic=water&page=2")

    assert len(first.context["object_list"]) == 20
    assert b'href="?topic=water&amp;page=2"' in first.content
    assert listed_titles(second) == [f"Report {n:02}" for n in range(20, 25)]
    assert b'href="?topic=water&amp;page=1"' in second.content


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=-1",
        "page=99999",
        "page=1e3",
        "page=" + "9" * 5000,
        "page=%00",
    ],
)
def test_bad_page_numbers_are_not_found(client, query):
    make_report()

    assert client.get(f"{LIST_URL}?{query}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "year=20x4",
        "year=0",
        "year=-2024",
        "year=99999999999999999999",
        "year=" + "9" * 5000,
        "year=2024.5",
        "type=%00",
        "topic=%00abc",
        "q=%00",
        "q=oil%00",
        "q=" + "x" * 10_000,
        "topic=" + "a" * 10_000,
        "series=../../etc/passwd",
        "author=%3Cscript%3E",
        "type=a&type=b&type=c",
        "topic[]=x",
        "q=%27%20OR%201%3D1%20--",
        "year=%F0%9F%92%A5",
        "q=%ED%A0%80",
    ],
)
def test_malformed_filters_never_fail(client, query):
    make_report(title="Still listed")

    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert b"<script>" not in response.content


def test_malformed_values_are_ignored_with_a_notice(client):
    make_report(title="Still listed")

    response = client.get(f"{LIST_URL}?year=20x4&q=" + "x" * 500)

    assert listed_titles(response) == ["Still listed"]
    assert b"not understood and have been ignored: Search, Year" in response.content
    assert b"x" * 500 not in response.content


def test_repeated_parameter_uses_the_last_value(client):
    make_report(title="Brief", type_slug="peace-brief")
    make_report(title="Special", type_slug="special-report")

    response = client.get(f"{LIST_URL}?type=special-report&type=peace-brief")

    assert listed_titles(response) == ["Brief"]


class TestTopicPage:
    def test_lists_the_topics_live_publications_with_the_other_filters(self, client):
        make_report(title="Water report", tags=["Water"])
        make_related(title="Water analysis", tags=["Water"])
        make_report(title="Oil report", tags=["Oil"])

        response = client.get("/topics/water/")
        filtered = client.get("/topics/water/?type=analysis")

        assert response.status_code == 200
        assert listed_titles(response) == listed_titles(
            client.get(f"{LIST_URL}?topic=water")
        )
        assert sorted(listed_titles(response)) == ["Water analysis", "Water report"]
        assert listed_titles(filtered) == ["Water analysis"]
        assert b"<h1>Water</h1>" in response.content
        assert b'name="topic"' not in response.content

    def test_unicode_topic_slugs_work(self, client):
        make_report(title="Éire report", tags=["Éire"])

        response = client.get(reverse("publications:topic-detail", args=["éire"]))

        assert response.status_code == 200
        assert listed_titles(response) == ["Éire report"]

    @pytest.mark.parametrize("slug", ["no-such-topic", "draft-only"])
    def test_unknown_topic_or_one_only_drafts_use_is_not_found(self, client, slug):
        make_report(tags=["Draft only"], published=False)

        assert client.get(f"/topics/{slug}/").status_code == 404

    def test_topic_index_lists_live_topics_with_counts(self, client):
        make_report(tags=["Water", "Oil"])
        make_related(tags=["Water"])
        make_report(tags=["Hidden"], published=False)

        response = client.get("/topics/")

        assert [(t["name"], t["count"]) for t in response.context["topics"]] == [
            ("Oil", 1),
            ("Water", 2),
        ]
        assert b'href="/topics/water/"' in response.content
        assert b"Hidden" not in response.content
