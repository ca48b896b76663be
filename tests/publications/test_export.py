import csv
import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook
from taggit.models import Tag

from publications import exports, exports_postgres
from publications.exports import (
    escape_formula,
    write_publications_csv,
    write_publications_json,
    write_publications_xlsx,
)
from publications.models import Publication, PublicationType, Report
from publications.resources import COLUMNS, CONTENT_COLUMNS, PublicationResource
from tests.factories import (
    EXPORT_SIZE_CHECK,
    make_author,
    make_related,
    make_report,
    make_series,
)

pytestmark = pytest.mark.django_db

SITE = "https://folio.example"
# Every way a cell can start a formula, plus a classic payload.
FORMULA_PAYLOADS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("https://evil.example","Click")',
    "=cmd|' /C calc'!A0",
]
TEXT_COLUMNS = ("type", "title", "slug", "authors", "series", "topics")


def _csv_rows(publications, **options):
    out = io.StringIO(newline="")
    write_publications_csv(publications, out, **options)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def _json_rows(publications):
    out = io.StringIO()
    write_publications_json(publications, out)
    return json.loads(out.getvalue())


def _xlsx_sheet(publications):
    out = io.BytesIO()
    write_publications_xlsx(publications, out)
    out.seek(0)
    return load_workbook(out).active


def _xlsx_rows(publications):
    sheet = _xlsx_sheet(publications)
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _all_publications():
    return Publication.objects.newest_first()


@pytest.fixture
def full_report():
    """A report with three ordered authors, four topics, a series and a PDF."""
    authors = [
        make_author(name="Zoë Zimmer", slug="zoe-zimmer"),
        make_author(name="Amal Haddad", slug="amal-haddad"),
        make_author(name="Mateo Ruiz", slug="mateo-ruiz"),
    ]
    return make_report(
        title="Water, Borders and Trust",
        slug="water-borders-trust",
        number=277,
        authors=authors,
        tags=["Water", "central asia", "Mediation", "Climate"],
        series=make_series(title="Climate, Water and Conflict"),
        publish_at=datetime(2026, 3, 4, 9, 30, tzinfo=timezone.UTC),
        pdf=True,
    )


@override_settings(FOLIO_SITE_URL=SITE + "/", TIME_ZONE="UTC")
def test_csv_has_every_column_of_a_full_report(full_report):
    [row] = _csv_rows(Report.objects.all())

    assert list(row) == list(COLUMNS)
    assert row == {
        "kind": "report",
        "type": "Special Report",
        "number": "277",
        "title": "Water, Borders and Trust",
        "slug": "water-borders-trust",
        "authors": "Zoë Zimmer; Amal Haddad; Mateo Ruiz",
        "series": "Climate, Water and Conflict",
        "topics": "central asia; Climate; Mediation; Water",
        "status": "live",
        "publish_date": "2026-03-04T09:30:00+00:00",
        "url": f"{SITE}/publications/water-borders-trust/",
        "pdf_url": f"{SITE}/publications/water-borders-trust/pdf/",
    }


@override_settings(FOLIO_SITE_URL=SITE, TIME_ZONE="UTC")
def test_json_has_the_same_columns_with_native_values(full_report):
    [item] = _json_rows(Report.objects.all())

    assert list(item) == list(COLUMNS)
    assert item["number"] == 277
    assert item["authors"] == "Zoë Zimmer; Amal Haddad; Mateo Ruiz"
    assert item["topics"] == "central asia; Climate; Mediation; Water"
    assert item["publish_date"] == "2026-03-04T09:30:00+00:00"
    assert item["pdf_url"] == f"{SITE}/publications/water-borders-trust/pdf/"


def test_resource_serves_django_import_exports_own_export_too(full_report):
    dataset = PublicationResource().export(Report.objects.all())

    assert dataset.headers == list(COLUMNS)
    row = dict(zip(COLUMNS, dataset[0], strict=True))
    assert row["authors"] == "Zoë Zimmer; Amal Haddad; Mateo Ruiz"
    assert row["topics"] == "central asia; Climate; Mediation; Water"
    assert row["status"] == "live"


@override_settings(FOLIO_SITE_URL=SITE, TIME_ZONE="America/New_York")
def test_xlsx_has_the_same_columns_and_a_real_date_cell(full_report):
    sheet = _xlsx_sheet(Report.objects.all())
    header, row = list(sheet.iter_rows())

    assert [cell.value for cell in header] == list(COLUMNS)
    values = dict(zip(COLUMNS, row, strict=True))
    assert values["number"].value == 277
    assert values["authors"].value == "Zoë Zimmer; Amal Haddad; Mateo Ruiz"
    assert values["series"].value == "Climate, Water and Conflict"
    # Excel has no time zones: the site's local time, as a date cell.
    assert values["publish_date"].is_date
    assert values["publish_date"].value == datetime(2026, 3, 4, 4, 30)
    assert values["url"].value == f"{SITE}/publications/water-borders-trust/"


@override_settings(FOLIO_SITE_URL=SITE, TIME_ZONE="Asia/Tokyo")
def test_publish_date_is_iso_8601_in_the_site_time_zone(full_report):
    [row] = _csv_rows(Report.objects.all())

    assert row["publish_date"] == "2026-03-04T18:30:00+09:00"


@override_settings(FOLIO_SITE_URL=SITE)
def test_related_publication_columns():
    external = make_related(
        title="Podcast",
        slug="podcast",
        type_slug="commentary",
        external_url="https://partner.example/podcast",
        authors=[make_author(name="Ann Author")],
    )
    make_related(title="Analysis", slug="analysis-one")

    rows = {row["slug"]: row for row in _csv_rows(_all_publications())}

    assert rows["podcast"]["kind"] == "related"
    assert rows["podcast"]["type"] == "Commentary"
    assert rows["podcast"]["number"] == ""
    assert rows["podcast"]["series"] == ""
    assert rows["podcast"]["url"] == external.external_url
    assert rows["podcast"]["pdf_url"] == ""
    assert rows["analysis-one"]["url"] == f"{SITE}/publications/analysis-one/"
    assert _json_rows(_all_publications())[0]["number"] is None


def test_status_column_gives_the_derived_state():
    now = timezone.now()
    make_report(slug="draft", published=False)
    make_report(slug="scheduled", publish_at=now + timedelta(days=2))
    make_report(slug="live", publish_at=now - timedelta(days=2))
    make_related(
        slug="expired",
        publish_at=now - timedelta(days=9),
        unpublish_at=now - timedelta(days=1),
    )

    for rows in (_csv_rows(_all_publications()), _json_rows(_all_publications())):
        assert {row["slug"]: row["status"] for row in rows} == {
            "draft": "draft",
            "scheduled": "scheduled",
            "live": "live",
            "expired": "expired",
        }


def test_rows_follow_the_queryset_order():
    now = timezone.now()
    make_report(slug="older", publish_at=now - timedelta(days=3))
    make_related(slug="newest", publish_at=now - timedelta(days=1))
    make_report(slug="middle", publish_at=now - timedelta(days=2))

    assert [row["slug"] for row in _csv_rows(_all_publications())] == [
        "newest",
        "middle",
        "older",
    ]
    assert [row["slug"] for row in _xlsx_rows(_all_publications())] == [
        "newest",
        "middle",
        "older",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_escape_formula_prefixes_only_text_that_a_spreadsheet_would_run(
    value, expected
):
    assert escape_formula(value) == expected


def _payload_report(index, payload):
    """Return a report whose every free-text column starts with *payload*."""
    publication_type = PublicationType.objects.create(
        name=f"{payload} type", slug=f"payload-type-{index}", kind="report"
    )
    tag = Tag.objects.create(name=f"{payload} topic {index}", slug=f"topic-{index}")
    report = make_report(
        title=f"{payload} title",
        slug=f"{payload}-{index}",
        series=make_series(title=f"{payload} series"),
        authors=[make_author(name=f"{payload} author"), make_author(name="Safe")],
        tags=[tag],
    )
    Report.objects.filter(pk=report.pk).update(publication_type=publication_type)
    return report


def test_formula_payloads_get_an_apostrophe_in_csv_and_xlsx_but_not_json():
    for index, payload in enumerate(FORMULA_PAYLOADS):
        _payload_report(index, payload)
    reports = Report.objects.order_by("pk")

    csv_rows = _csv_rows(reports)
    xlsx_rows = _xlsx_rows(reports)
    json_rows = _json_rows(reports)

    for payload, csv_row, xlsx_row, json_row in zip(
        FORMULA_PAYLOADS, csv_rows, xlsx_rows, json_rows, strict=True
    ):
        for column in TEXT_COLUMNS:
            assert csv_row[column].startswith("'" + payload), (payload, column)
            assert json_row[column].startswith(payload), (payload, column)
            assert xlsx_row[column].startswith("'" + payload), (payload, column)
        assert csv_row["authors"] == f"'{payload} author; Safe"
        assert json_row["authors"] == f"{payload} author; Safe"


def test_xlsx_never_writes_a_formula_cell():
    _payload_report(0, "=1+1")

    sheet = _xlsx_sheet(Report.objects.all())

    data_types = {cell.data_type for row in sheet.iter_rows() for cell in row}
    assert "f" not in data_types


def test_numbers_and_dates_are_never_escaped(full_report):
    [row] = _csv_rows(Report.objects.all())

    assert row["number"] == "277"
    assert row["publish_date"].startswith("2026-")


TRICKY = (
    'Ça, "quoted"; 引用 — שלום 👩🏽‍🔬\nsecond line,\r\nthird line '
    "\u200f\u202eevil\u202c \\ end"
)


def _tricky_report():
    author = make_author(name="李 小龍, “Jr.”\n")
    tag = Tag.objects.create(name="عربي; 🌍, tag", slug="arabic")
    return make_report(
        title=TRICKY,
        slug="tricky",
        series=make_series(title="Série «été»"),
        authors=[author],
        tags=[tag],
    )


def test_tricky_text_survives_a_round_trip_through_csv_and_json():
    _tricky_report()

    [csv_row] = _csv_rows(Report.objects.all())
    [json_row] = _json_rows(Report.objects.all())

    for row in (csv_row, json_row):
        assert row["title"] == TRICKY
        assert row["authors"] == "李 小龍, “Jr.”\n"
        assert row["topics"] == "عربي; 🌍, tag"
        assert row["series"] == "Série «été»"


def test_csv_byte_order_mark_is_optional_and_leaves_the_header_intact():
    _tricky_report()
    out = io.StringIO(newline="")

    write_publications_csv(Report.objects.all(), out, byte_order_mark=True)

    data = out.getvalue().encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows[0]["title"] == TRICKY


def test_tricky_text_survives_a_round_trip_through_xlsx():
    _tricky_report()

    [row] = _xlsx_rows(Report.objects.all())

    # Carriage returns too: openpyxl with lxml writes them as &#13;.
    assert row["title"] == TRICKY
    assert row["authors"] == "李 小龍, “Jr.”\n"
    assert row["topics"] == "عربي; 🌍, tag"


def test_xlsx_replaces_control_characters_xml_cannot_hold():
    # PostgreSQL cannot store NUL itself.
    make_report(title="bell\x07 and escape\x1b", slug="control")

    [row] = _xlsx_rows(Report.objects.all())

    assert row["title"] == "bell\ufffd and escape\ufffd"
    assert _csv_rows(Report.objects.all())[0]["title"] == "bell\x07 and escape\x1b"


def test_xlsx_keeps_error_code_lookalikes_as_text():
    make_report(title="#N/A", slug="not-an-error")

    sheet = _xlsx_sheet(Report.objects.all())

    title = list(sheet.iter_rows())[1][COLUMNS.index("title")]
    assert (title.value, title.data_type) == ("#N/A", "s")


def _make_rows(count):
    authors = [make_author(name=f"Author {n}") for n in range(3)]
    for n in range(count):
        make_report(title=f"Report {n}", authors=authors, tags=["a", "b", "c"])
        make_related(title=f"Related {n}", authors=authors[:1], tags=["a"])


@pytest.mark.parametrize(
    "writer",
    [write_publications_csv, write_publications_json, write_publications_xlsx],
)
def test_queries_grow_with_chunks_not_rows(writer, django_assert_num_queries):
    _make_rows(4)  # 8 publications
    publications = _all_publications()
    out = io.BytesIO() if writer is write_publications_xlsx else io.StringIO()
    # XLSX is always written here; CSV and JSON may go to COPY.
    check = 0 if writer is write_publications_xlsx else EXPORT_SIZE_CHECK

    # One query for the rows, then authors and topics once per chunk.
    with django_assert_num_queries(check + 1 + 2 * 2):
        writer(publications, out, chunk_size=4)
    with django_assert_num_queries(check + 1 + 2 * 1):
        writer(publications, out, chunk_size=8)
    with django_assert_num_queries(check + 1 + 2 * 4):
        writer(publications, out, chunk_size=2)


def test_same_queries_for_twice_the_rows_in_as_many_chunks(
    django_assert_num_queries,
):
    _make_rows(3)  # 6 publications
    with django_assert_num_queries(EXPORT_SIZE_CHECK + 1 + 2 * 3):
        write_publications_csv(_all_publications(), io.StringIO(), chunk_size=2)

    _make_rows(3)  # 12 publications
    with django_assert_num_queries(EXPORT_SIZE_CHECK + 1 + 2 * 3):
        write_publications_csv(_all_publications(), io.StringIO(), chunk_size=4)


def test_progress_is_reported_after_each_chunk_and_at_the_end():
    _make_rows(3)  # 6 publications
    done = []

    write_publications_csv(
        _all_publications(), io.StringIO(), chunk_size=4, progress=done.append
    )

    assert done == [4, 6]


def test_empty_list_writes_headers_only():
    assert _csv_rows(Publication.objects.none()) == []
    assert _json_rows(Publication.objects.none()) == []
    assert _xlsx_rows(Publication.objects.none()) == []


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL exports with COPY"
)
def test_sqlite_exports_take_the_python_writers():
    _make_rows(3)

    assert exports._database_writer(_all_publications()) is None


@pytest.mark.parametrize("with_content", [False, True])
def test_xlsx_of_the_same_rows_is_the_same_bytes_at_another_time(with_content):
    make_report(title="Report", publish_at=datetime(2026, 1, 5, tzinfo=timezone.UTC))
    outs = []
    for moment in ("2026-02-01 10:00:00+00:00", "2027-07-09 23:59:58+00:00"):
        with time_machine.travel(moment, tick=False):
            out = io.BytesIO()
            write_publications_xlsx(_all_publications(), out, with_content=with_content)
            outs.append(out.getvalue())

    assert outs[0] == outs[1]
    with zipfile.ZipFile(io.BytesIO(outs[0])) as archive:
        assert archive.testzip() is None
        assert {info.date_time for info in archive.infolist()} == {
            (1980, 1, 1, 0, 0, 0)
        }
    workbook = load_workbook(io.BytesIO(outs[0]))
    assert workbook.properties.created == datetime(1980, 1, 1)
    assert workbook.active["D2"].value == "Report"


def test_with_content_adds_the_columns_an_import_reads_after_the_others():
    make_report(
        slug="complete",
        teaser="+A teaser",
        about="<p>About.</p>",
        body="<p>Body.</p>",
        summary_points=("=First", "Second"),
        publish_at=datetime(2026, 1, 5, 9, 30, tzinfo=timezone.UTC),
        unpublish_at=datetime(2026, 9, 1, tzinfo=timezone.UTC),
    )
    make_related(slug="related", teaser="Teaser.", body="<p>Text.</p>")

    with override_settings(TIME_ZONE="UTC"):
        csv_rows = _csv_rows(_all_publications(), with_content=True)
        out = io.StringIO()
        write_publications_json(_all_publications(), out, with_content=True)
        json_rows = json.loads(out.getvalue())
    rows = {row["slug"]: row for row in csv_rows}

    assert list(csv_rows[0]) == [*COLUMNS, *CONTENT_COLUMNS]
    assert list(json_rows[0]) == [*COLUMNS, *CONTENT_COLUMNS]
    # Formula escaping applies to the whole cell, as to the other columns.
    assert rows["complete"]["teaser"] == "'+A teaser"
    assert rows["complete"]["summary_points"] == "'=First\nSecond"
    assert rows["complete"]["about"] == "<p>About.</p>"
    assert rows["complete"]["body"] == "<p>Body.</p>"
    assert rows["complete"]["unpublish_date"] == "2026-09-01T00:00:00+00:00"
    assert rows["related"]["body"] == "<p>Text.</p>"
    assert rows["related"]["about"] == rows["related"]["summary_points"] == ""
    assert rows["related"]["unpublish_date"] == ""
    by_slug = {item["slug"]: item for item in json_rows}
    assert by_slug["complete"]["summary_points"] == "=First\nSecond"
    assert by_slug["related"]["unpublish_date"] is None


@pytest.mark.parametrize(
    "writer",
    [write_publications_csv, write_publications_json, write_publications_xlsx],
)
def test_with_content_costs_one_query_more_per_chunk(
    writer, django_assert_num_queries, monkeypatch
):
    # Enough rows for COPY on PostgreSQL, which the content option refuses.
    monkeypatch.setattr(exports_postgres, "MIN_ROWS", 0)
    _make_rows(4)  # 8 publications
    out = io.BytesIO() if writer is write_publications_xlsx else io.StringIO()

    # Rows, then authors, topics and summary points once per chunk.
    with django_assert_num_queries(1 + 3 * 2):
        writer(_all_publications(), out, chunk_size=4, with_content=True)

    assert exports_postgres.can_export(_all_publications(), with_content=True) is False
    assert exports._database_writer(_all_publications(), with_content=True) is None
