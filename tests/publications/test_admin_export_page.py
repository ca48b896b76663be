"""The staff page /admin/publications/export/: every publication, filtered."""

import csv
import io
import itertools
import json
import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import (
    EXPORT_SIZE_CHECK,
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
)

pytestmark = pytest.mark.django_db

EXPORT_PAGE = "/admin/publications/export/"


def _at(year, month=6, day=1):
    return datetime(year, month, day, 12, tzinfo=timezone.UTC)


def _download(client, file_format="csv", **params):
    response = client.get(EXPORT_PAGE, {**params, "download": file_format})
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    data = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    if file_format == "csv":
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if file_format == "json":
        return json.loads(data)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _slugs(client, **params):
    return [row["slug"] for row in _download(client, **params)]


@pytest.fixture
def catalogue():
    now = timezone.now()
    ann = make_author(name="Ann Searchable", slug="ann")
    series = make_series(slug="water-series")
    make_report(
        slug="report-2026",
        title="Rivers",
        authors=[ann],
        tags=["Water"],
        series=series,
        publish_at=_at(2026, 1, 10),
    )
    make_related(
        slug="related-2025",
        type_slug="commentary",
        tags=["Water"],
        publish_at=_at(2025),
    )
    make_report(slug="brief-2024", type_slug="peace-brief", publish_at=_at(2024))
    make_related(slug="analysis-2023", authors=[ann], publish_at=_at(2023))
    make_report(slug="draft", published=False, publish_at=_at(2025, 2))
    make_related(slug="scheduled", publish_at=now + timedelta(days=2))
    make_report(
        slug="expired",
        publish_at=_at(2022),
        unpublish_at=now - timedelta(days=1),
    )


@pytest.fixture
def exporter(client):
    client.force_login(make_user(role="Exporters"))
    return client


def test_anonymous_is_sent_to_the_admin_login(client):
    response = client.get(EXPORT_PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_contributor_gets_403(client):
    client.force_login(make_user(role="Contributors"))

    assert client.get(EXPORT_PAGE).status_code == 403
    assert client.get(EXPORT_PAGE, {"download": "csv"}).status_code == 403


@pytest.mark.parametrize("role", ["Exporters", "Editors"])
def test_exporters_and_editors_can_use_the_page(client, catalogue, role):
    client.force_login(make_user(role=role))

    response = client.get(EXPORT_PAGE)

    assert response.status_code == 200
    assert "4 publications match." in response.content.decode()


def test_url_name_resolves_to_the_page():
    assert reverse("publication-export") == EXPORT_PAGE


def test_combined_export_is_both_kinds_newest_first(exporter, catalogue):
    rows = _download(exporter)

    assert [(row["slug"], row["kind"]) for row in rows] == [
        ("report-2026", "report"),
        ("related-2025", "related"),
        ("brief-2024", "report"),
        ("analysis-2023", "related"),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"status": "live"},
            ["report-2026", "related-2025", "brief-2024", "analysis-2023"],
        ),
        ({"status": "draft"}, ["draft"]),
        ({"status": "scheduled"}, ["scheduled"]),
        ({"status": "expired"}, ["expired"]),
        ({"type": "peace-brief"}, ["brief-2024"]),
        ({"topic": "water"}, ["report-2026", "related-2025"]),
        ({"series": "water-series"}, ["report-2026"]),
        ({"author": "ann"}, ["report-2026", "analysis-2023"]),
        ({"year_from": "2024"}, ["report-2026", "related-2025", "brief-2024"]),
        ({"year_to": "2024"}, ["brief-2024", "analysis-2023"]),
        ({"year_from": "2024", "year_to": "2025"}, ["related-2025", "brief-2024"]),
        ({"q": "rivers"}, ["report-2026"]),
        ({"q": "searchable"}, ["report-2026", "analysis-2023"]),
        (
            {"status": "all", "year_from": "2025", "year_to": "2025"},
            ["related-2025", "draft"],
        ),
        ({"status": "all", "topic": "water", "author": "ann"}, ["report-2026"]),
    ],
)
def test_filters(exporter, catalogue, params, expected):
    assert _slugs(exporter, **params) == expected


def test_status_all_includes_every_state(exporter, catalogue):
    rows = _download(exporter, status="all")

    assert sorted(row["status"] for row in rows) == [
        "draft",
        "expired",
        "live",
        "live",
        "live",
        "live",
        "scheduled",
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_every_format(exporter, catalogue, file_format):
    rows = _download(exporter, file_format, topic="water")

    assert [row["slug"] for row in rows] == ["report-2026", "related-2025"]


def test_csv_and_json_stream_and_xlsx_is_a_file(exporter, catalogue):
    for file_format in ("csv", "json"):
        response = exporter.get(EXPORT_PAGE, {"download": file_format})
        assert response.streaming
        today = timezone.localdate().isoformat()
        assert (
            f'filename="publications-{today}.{file_format}"'
            in (response["Content-Disposition"])
        )
    response = exporter.get(EXPORT_PAGE, {"download": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_unknown_choice_shows_the_form_with_an_error(exporter, catalogue):
    response = exporter.get(EXPORT_PAGE, {"topic": "nope", "download": "csv"})

    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert "Select a valid choice" in response.content.decode()


def test_reversed_year_range_is_an_error(exporter, catalogue):
    response = exporter.get(
        EXPORT_PAGE, {"year_from": "2025", "year_to": "2024", "download": "csv"}
    )

    assert "Content-Disposition" not in response
    assert "The first year must not be after the last year." in (
        response.content.decode()
    )


def test_page_counts_the_matching_publications(exporter, catalogue):
    response = exporter.get(EXPORT_PAGE, {"status": "all", "topic": "water"})

    assert "2 publications match." in response.content.decode()


def test_download_queries_do_not_grow_with_rows(
    exporter, catalogue, django_assert_num_queries
):
    # Session, user and permissions, then the rows, their authors and topics.
    with django_assert_num_queries(EXPORT_SIZE_CHECK + 7):
        rows = _download(exporter, status="all")
    assert len(rows) == 7

    for number in range(5):
        make_report(title=f"More {number}", authors=[make_author()], tags=["more"])
    with django_assert_num_queries(EXPORT_SIZE_CHECK + 7):
        rows = _download(exporter, status="all")
    assert len(rows) == 12


def test_admin_index_links_to_the_page_for_exporters_only(client):
    client.force_login(make_user(role="Exporters"))
    assert EXPORT_PAGE in client.get(reverse("admin:index")).content.decode()

    client.force_login(make_user(role="Contributors"))
    assert EXPORT_PAGE not in client.get(reverse("admin:index")).content.decode()


def test_page_lists_the_columns_the_export_writes_in_order(exporter, catalogue):
    html = exporter.get(EXPORT_PAGE).content.decode()
    listed = re.findall(r"<li><code>([a-z_]+)</code>", html)
    plain = list(_download(exporter)[0])

    assert listed[: len(plain)] == plain
    assert listed == list(_download(exporter, with_content="on")[0])


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_the_with_content_box_adds_the_content_columns(exporter, file_format):
    make_report(
        slug="complete",
        teaser="=A teaser",
        about="<p>About.</p>",
        summary_points=("One.", "Two."),
    )
    page = exporter.get(EXPORT_PAGE).content.decode()
    assert 'name="with_content"' in page and "With content" in page

    [plain] = _download(exporter, file_format)
    [full] = _download(exporter, file_format, with_content="on")

    assert "teaser" not in plain
    assert list(full)[: len(plain)] == list(plain)
    assert list(full)[len(plain) :] == [
        "teaser",
        "about",
        "body",
        "summary_points",
        "unpublish_date",
    ]
    # Formula escaping covers these cells too, but not JSON, as elsewhere.
    assert full["teaser"] == ("=A teaser" if file_format == "json" else "'=A teaser")
    assert full["about"] == "<p>About.</p>"
    assert full["summary_points"] == "One.\nTwo."


@pytest.mark.parametrize("status", [None, "all", "draft"])
def test_count_shown_is_the_number_of_rows_the_download_holds(
    exporter, catalogue, status
):
    """Every combination of a status, a topic, an author and a first year."""
    for topic, author, year_from in itertools.product(
        (None, "water"), (None, "ann"), (None, "2024")
    ):
        params = {
            name: value
            for name, value in {
                "status": status,
                "topic": topic,
                "author": author,
                "year_from": year_from,
            }.items()
            if value
        }
        html = exporter.get(EXPORT_PAGE, params).content.decode()
        shown = re.search(r"<strong>(\d+) publications? match", html)
        assert shown, params
        assert int(shown.group(1)) == len(_download(exporter, **params)), params
