"""The Export button and "Export selected" action of the publication admins.

Each test walks the pages as a browser would: the change list, the export
form it links to or renders, then the form's own action URL and fields.
"""

import csv
import io
import json
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from publications.models import Report
from tests.factories import (
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
)

pytestmark = pytest.mark.django_db

REPORTS = reverse("admin:publications_report_changelist")
REPORT_EXPORT = reverse("admin:publications_report_export")
RELATED = reverse("admin:publications_relatedpublication_changelist")
# Positions of the formats in the export form's choices.
FORMAT_CHOICES = {"csv": "0", "xlsx": "1", "json": "2"}


class _PageParser(HTMLParser):
    """Collect the export link, the action options and the forms of a page."""

    def __init__(self):
        super().__init__()
        self.export_links = []
        self.actions = []
        self.forms = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "export_link" in (attrs.get("class") or ""):
            self.export_links.append(attrs["href"])
        elif tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": []})
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select == "action":
            self.actions.append(attrs.get("value"))
        elif tag == "input" and self.forms and attrs.get("name"):
            if attrs.get("type") in {"hidden", "text"}:
                self.forms[-1]["fields"].append((attrs["name"], attrs.get("value")))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _parse(response):
    parser = _PageParser()
    parser.feed(response.content.decode())
    return parser


def _content(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _rows(response, file_format="csv"):
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    data = _content(response)
    if file_format == "csv":
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if file_format == "json":
        return json.loads(data)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _submit_export_form(client, page, page_url, file_format):
    """Post the export form of *page* as a browser would, choosing a format."""
    assert page.status_code == 200, page.status_code
    [form] = [
        form
        for form in _parse(page).forms
        if any(name == "resource" for name, _value in form["fields"])
    ]
    data = {}
    for name, value in form["fields"]:
        if name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(value)
    data["format"] = FORMAT_CHOICES[file_format]
    # An empty action posts to the page's own address, query string included.
    return client.post(form["action"] or page_url, data)


def _export_with_button(client, changelist, params, file_format="csv"):
    """Open the filtered change list, follow Export, submit the form."""
    page = client.get(changelist, params)
    assert page.status_code == 200
    [link] = _parse(page).export_links
    return _submit_export_form(client, client.get(link), link, file_format)


def _export_selected(client, changelist, params, selected, file_format="csv"):
    """Select rows on the filtered change list and run "Export selected"."""
    url = f"{changelist}?{urlencode(params)}" if params else changelist
    page = client.post(
        url,
        {
            "action": "export_admin_action",
            "_selected_action": [str(pk) for pk in selected],
            "index": "0",
        },
    )
    return _submit_export_form(client, page, url, file_format)


def _slugs(response, file_format="csv"):
    return sorted(row["slug"] for row in _rows(response, file_format))


@pytest.fixture
def reports():
    """Reports differing in every filter and search field of the change list."""
    now = timezone.now()
    ann = make_author(name="Annika Searchable", slug="annika")
    series = make_series(title="Water series", slug="water-series")
    return {
        "water": make_report(
            title="Rivers in dispute",
            slug="water",
            tags=["Water"],
            series=series,
            authors=[ann],
            publish_at=datetime(2025, 6, 1, 12, tzinfo=timezone.UTC),
        ),
        "brief": make_report(
            title="Borders",
            slug="brief",
            type_slug="peace-brief",
            teaser="Glaciers are melting.",
            tags=["Borders"],
            publish_at=datetime(2024, 2, 1, 12, tzinfo=timezone.UTC),
        ),
        "draft": make_report(
            title="Unfinished",
            slug="draft",
            tags=["Water"],
            published=False,
            publish_at=datetime(2025, 3, 1, 12, tzinfo=timezone.UTC),
        ),
        "scheduled": make_report(
            title="Embargoed", slug="scheduled", publish_at=now + timedelta(days=5)
        ),
    }


@pytest.fixture
def exporter(client):
    client.force_login(make_user(role="Exporters"))
    return client


# Who can export


@pytest.mark.parametrize("url", [REPORT_EXPORT, REPORTS])
def test_anonymous_is_sent_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_contributor_sees_no_export_and_gets_403(client, reports):
    client.force_login(make_user(role="Contributors"))

    page = _parse(client.get(REPORTS))
    assert page.export_links == []
    assert "export_admin_action" not in page.actions
    assert client.get(REPORT_EXPORT).status_code == 403
    assert client.post(REPORT_EXPORT, {"format": "0"}).status_code == 403
    response = client.post(
        REPORTS,
        {"action": "export_admin_action", "_selected_action": [reports["water"].pk]},
    )
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("role", ["Exporters", "Editors"])
def test_exporters_and_editors_see_the_button_and_action_and_can_export(
    client, reports, role
):
    client.force_login(make_user(role=role))

    page = _parse(client.get(REPORTS))
    assert page.export_links == [f"{REPORT_EXPORT}?"]
    assert "export_admin_action" in page.actions
    response = _export_with_button(client, REPORTS, {})
    assert _slugs(response) == ["brief", "draft", "scheduled", "water"]


def test_superuser_can_export(client, reports):
    client.force_login(make_user(is_superuser=True))

    assert len(_rows(_export_with_button(client, REPORTS, {}))) == 4


def test_staff_without_view_permission_gets_403_even_with_export_permission(client):
    from django.contrib.auth.models import Permission

    user = make_user()
    user.user_permissions.add(Permission.objects.get(codename="export_publication"))
    client.force_login(user)

    assert client.get(REPORT_EXPORT).status_code == 403


# The Export button honours the change list's filters and search


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "draft"}, ["draft"]),
        ({"state": "scheduled"}, ["scheduled"]),
        ({"state": "live"}, ["brief", "water"]),
        ({"type": "peace-brief"}, ["brief"]),
        ({"topic": "water"}, ["draft", "water"]),
        ({"year": "2024"}, ["brief"]),
        ({"publish_at__year": "2025"}, ["draft", "water"]),
        ({"q": "rivers"}, ["water"]),
        ({"q": "glaciers"}, ["brief"]),
        ({"q": "annika"}, ["water"]),
        ({"state": "live", "topic": "water", "q": "rivers"}, ["water"]),
        ({"state": "draft", "q": "rivers"}, []),
    ],
)
def test_export_button_honours_filters_and_search(exporter, reports, params, expected):
    assert _slugs(_export_with_button(exporter, REPORTS, params)) == expected


def test_export_button_honours_the_series_filter(exporter, reports):
    params = {"series__id__exact": reports["water"].series_id}

    assert _slugs(_export_with_button(exporter, REPORTS, params)) == ["water"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_every_format_honours_the_filters(exporter, reports, file_format):
    response = _export_with_button(exporter, REPORTS, {"topic": "water"}, file_format)

    assert _slugs(response, file_format) == ["draft", "water"]


def test_export_button_on_related_publications(exporter):
    make_related(slug="water-analysis", tags=["Water"])
    make_related(slug="other-analysis", tags=["Other"])
    make_report(slug="water-report", tags=["Water"])

    response = _export_with_button(exporter, RELATED, {"topic": "water"})

    rows = _rows(response)
    assert [(row["slug"], row["kind"]) for row in rows] == [
        ("water-analysis", "related")
    ]


# "Export selected" honours the selection, the filters and the search


def test_export_selected_exports_only_the_selected_rows(exporter, reports):
    selected = [reports["water"].pk, reports["draft"].pk]

    response = _export_selected(exporter, REPORTS, {}, selected)

    assert _slugs(response) == ["draft", "water"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "live"}, ["brief", "water"]),
        ({"topic": "water"}, ["draft", "water"]),
        ({"type": "peace-brief"}, ["brief"]),
        ({"year": "2025"}, ["draft", "water"]),
        ({"q": "glaciers"}, ["brief"]),
        ({"q": "annika"}, ["water"]),
    ],
)
def test_export_selected_keeps_only_rows_of_the_filtered_list(
    exporter, reports, params, expected
):
    everything = [report.pk for report in reports.values()]

    response = _export_selected(exporter, REPORTS, params, everything)

    assert _slugs(response) == expected


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_export_selected_in_every_format(exporter, reports, file_format):
    response = _export_selected(
        exporter, REPORTS, {"state": "live"}, [reports["water"].pk], file_format
    )

    assert _slugs(response, file_format) == ["water"]


def test_export_selected_form_lists_the_selection(exporter, reports):
    page = exporter.post(
        f"{REPORTS}?state=live",
        {
            "action": "export_admin_action",
            "_selected_action": [reports["water"].pk, reports["draft"].pk],
        },
    )

    [form] = [form for form in _parse(page).forms if form["action"] != "/admin/logout/"]
    assert form["action"] == f"{REPORT_EXPORT}?state=live"
    assert ("export_items", str(reports["water"].pk)) in form["fields"]
    assert ("export_items", str(reports["draft"].pk)) not in form["fields"]


def test_selected_rows_outside_the_filtered_list_are_refused(exporter, reports):
    response = exporter.post(
        f"{REPORT_EXPORT}?state=live",
        {
            "format": "0",
            "resource": "0",
            "export_items": [reports["water"].pk, reports["draft"].pk],
        },
    )

    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert b"Select a valid choice" in response.content


def test_select_all_exports_the_whole_filtered_list(exporter, reports):
    response = exporter.post(
        f"{REPORTS}?topic=water",
        {
            "action": "export_admin_action",
            "_selected_action": [reports["water"].pk],
            "select_across": "1",
            "index": "0",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{REPORT_EXPORT}?topic=water"
    link = response["Location"]
    result = _submit_export_form(exporter, exporter.get(link), link, "csv")
    assert _slugs(result) == ["draft", "water"]


# The download itself


def test_csv_and_json_downloads_stream(exporter, reports):
    for file_format, content_type in (
        ("csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
    ):
        response = _export_with_button(exporter, REPORTS, {}, file_format)

        assert response.streaming
        assert response["Content-Type"] == content_type
        today = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == (
            f'attachment; filename="reports-{today}.{file_format}"'
        )
        assert "no-store" in response["Cache-Control"]


def test_xlsx_download_is_a_workbook_file(exporter, reports):
    response = _export_with_button(exporter, REPORTS, {}, "xlsx")

    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert len(_rows(response, "xlsx")) == 4


def test_admin_csv_applies_the_formula_rule(exporter):
    make_report(title="=HYPERLINK(1)", slug="payload")

    [row] = _rows(_export_with_button(exporter, REPORTS, {}))

    assert row["title"] == "'=HYPERLINK(1)"


def test_admin_export_has_every_column(exporter, reports):
    [row] = _rows(_export_with_button(exporter, REPORTS, {"q": "rivers"}))

    assert row["kind"] == "report"
    assert row["series"] == "Water series"
    assert row["authors"] == "Annika Searchable"
    assert row["topics"] == "Water"
    assert row["status"] == "live"


def test_admin_export_queries_do_not_grow_with_rows(
    exporter, reports, django_assert_max_num_queries
):
    page = exporter.get(REPORT_EXPORT)
    with django_assert_max_num_queries(12) as context:
        response = _submit_export_form(exporter, page, REPORT_EXPORT, "csv")
        assert len(_rows(response)) == 4
    few = len(context.captured_queries)
    for number in range(6):
        make_report(title=f"More {number}", authors=[make_author()], tags=["x"])

    with django_assert_max_num_queries(few):
        response = _submit_export_form(exporter, page, REPORT_EXPORT, "csv")
        assert len(_rows(response)) == 10
    assert Report.objects.count() == 10
