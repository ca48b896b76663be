"""The publication change lists: columns, filters, search and query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
    pin,
)

pytestmark = pytest.mark.django_db

REPORTS = "admin:publications_report_changelist"
RELATED = "admin:publications_relatedpublication_changelist"


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(role="Editors"))
    return client


def _titles(response):
    return [obj.title for obj in response.context["cl"].result_list]


def _full_report(index, series):
    report = make_report(
        title=f"Report {index}",
        number=index,
        authors=[
            make_author(name=f"Author {index}a"),
            make_author(name=f"Author {index}b"),
        ],
        tags=[f"Topic {index}", "Shared"],
        series=series,
        summary_points=["One", "Two"],
        image=True,
    )
    pin(report, make_related(title=f"Pinned {index}"))
    return report


def test_report_list_shows_the_columns_editors_need(editor_client):
    now = timezone.now()
    report = make_report(
        title="Borderlands",
        number=277,
        authors=[make_author(name="Zoe Zed"), make_author(name="Adam Ash")],
        publish_at=now + timedelta(days=1),
        image=True,
    )

    response = editor_client.get(reverse(REPORTS))

    content = response.content.decode()
    assert "Special Report No. 277" in content
    assert "Zoe Zed, Adam Ash" in content  # the editors' order, not the alphabet
    assert '<span class="folio-state folio-state-scheduled">Scheduled</span>' in content
    assert f'src="{report.thumbnail.url}"' in content
    assert ">Preview</a>" in content


@pytest.mark.parametrize(
    ("published", "offset", "label"),
    [
        (False, -1, "Draft"),
        (True, 1, "Scheduled"),
        (True, -1, "Live"),
    ],
)
def test_status_column_names_the_state(editor_client, published, offset, label):
    make_related(
        published=published, publish_at=timezone.now() + timedelta(days=offset)
    )

    response = editor_client.get(reverse(RELATED))

    assert f">{label}</span>" in response.content.decode()


def test_expired_items_show_as_expired(editor_client):
    now = timezone.now()
    make_report(
        publish_at=now - timedelta(days=2), unpublish_at=now - timedelta(days=1)
    )

    response = editor_client.get(reverse(REPORTS))

    assert ">Expired</span>" in response.content.decode()


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("draft", ["Draft"]),
        ("scheduled", ["Scheduled"]),
        ("live", ["Live"]),
        ("expired", ["Expired"]),
    ],  # fmt: skip
)
def test_status_filter(editor_client, state, expected):
    now = timezone.now()
    make_report(title="Draft", published=False)
    make_report(title="Scheduled", publish_at=now + timedelta(days=1))
    make_report(title="Live")
    make_report(
        title="Expired",
        publish_at=now - timedelta(days=2),
        unpublish_at=now - timedelta(days=1),
    )

    response = editor_client.get(reverse(REPORTS), {"state": state})

    assert _titles(response) == expected


def test_type_series_topic_and_year_filters(editor_client):
    series = make_series(slug="mediation")
    make_report(title="Brief", type_slug="peace-brief")
    make_report(title="In series", series=series)
    make_report(title="Tagged", tags=["Water"])
    make_report(title="Old", publish_at=timezone.now().replace(year=2019))

    def titles(**query):
        return _titles(editor_client.get(reverse(REPORTS), query))

    assert titles(type="peace-brief") == ["Brief"]
    assert titles(series__id__exact=series.pk) == ["In series"]
    assert titles(topic="water") == ["Tagged"]
    assert titles(year="2019") == ["Old"]


def test_filters_offer_only_the_choices_of_the_kind(editor_client):
    make_report(tags=["Report topic"])
    make_related(tags=["Related topic"])

    response = editor_client.get(reverse(REPORTS))

    specs = {str(spec.title): spec for spec in response.context["cl"].filter_specs}
    assert [c[1] for c in specs["topic"].lookup_choices] == ["Report topic"]
    type_names = {c[1] for c in specs["type"].lookup_choices}
    assert "Special Report" in type_names and "Analysis" not in type_names


def test_search_matches_title_teaser_and_author_names(editor_client):
    make_report(title="Water wars")
    make_report(title="Second", teaser="About water rights.")
    make_report(title="Third", authors=[make_author(name="Walter Waterman")])
    make_report(title="Unrelated")

    response = editor_client.get(reverse(REPORTS), {"q": "water"})

    assert sorted(_titles(response)) == ["Second", "Third", "Water wars"]


def test_search_by_author_lists_each_item_once(editor_client):
    make_report(
        title="Two Smiths",
        authors=[make_author(name="Ann Smith"), make_author(name="Bob Smith")],
    )

    response = editor_client.get(reverse(REPORTS), {"q": "smith"})

    assert _titles(response) == ["Two Smiths"]


def test_date_hierarchy_narrows_to_a_year(editor_client):
    make_report(title="Old", publish_at=timezone.now().replace(year=2019))
    make_report(title="New")

    response = editor_client.get(reverse(REPORTS), {"publish_at__year": "2019"})

    assert _titles(response) == ["Old"]


@pytest.mark.parametrize("changelist", [REPORTS, RELATED])
def test_change_list_queries_do_not_grow_with_rows(
    editor_client, django_assert_max_num_queries, changelist
):
    series = make_series()
    _full_report(0, series)
    make_related(authors=[make_author()], tags=["Shared"], image=True)
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get(reverse(changelist)).status_code == 200

    for index in range(1, 6):
        _full_report(index, series)
        make_related(
            authors=[make_author(), make_author()], tags=["Shared"], image=True
        )

    with django_assert_max_num_queries(len(few)):
        response = editor_client.get(reverse(changelist))
    assert len(response.context["cl"].result_list) >= 6


def test_author_series_and_topic_lists_do_not_grow_with_rows(
    editor_client, django_assert_max_num_queries
):
    urls = [
        reverse("admin:authors_author_changelist"),
        reverse("admin:publications_series_changelist"),
        reverse("admin:taggit_tag_changelist"),
        reverse("admin:publications_publicationtype_changelist"),
    ]
    _full_report(0, make_series())
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            editor_client.get(url)
        counts[url] = len(queries)

    for index in range(1, 5):
        _full_report(index, make_series())

    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert editor_client.get(url).status_code == 200
