"""CSV and JSON exports written by PostgreSQL with COPY (exports_postgres).

Every test compares bytes: what COPY writes against what the Python writers
write for the same queryset, over rows made to trip either one up.
"""

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import set_script_prefix
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author
from publications import exports, exports_postgres
from publications.admin.export_page import PublicationExportForm
from publications.exports import (
    iter_publications_csv,
    iter_publications_json,
    write_publications_csv,
    write_publications_json,
)
from publications.management.commands.export_publications import ExportFilters
from publications.models import (
    Authorship,
    Publication,
    PublicationType,
    RelatedPublication,
    Report,
)
from tests.factories import (
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="COPY exports are PostgreSQL's; SQLite keeps the Python writers",
    ),
]

EXPORT_PAGE = "/admin/publications/export/"
# Text that CSV, JSON, formulas or line endings could get wrong.
HOSTILE = [
    '=HYPERLINK("https://evil.example","x")',
    "+1+1",
    "-1",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturned",
    "'already quoted",
    " =spaced",
    'He said "hi", then left',
    "line one\nline two",
    "crlf\r\nend",
    "lone\rreturn",
    "trailing newline\n",
    "back\\slash \\. \\N",
    "Ça, 引用 — שלום 👩🏽‍🔬 \u200f\u202eevil\u202c",
    "bell\x07 escape\x1b unit\x1f del\x7f",
    "\u2028line separator\u2029",
    "#N/A",
    ",",
    '"',
]
# Tags whose folded names tie or fold past ASCII (casefold order).
TOPICS = [
    "Water",
    "water",
    "WATER",
    "Straße",
    "STRASSE",
    "strasse",
    "ǅemal",
    "İstanbul",
    "istanbul",
    "Ωmega",
    "ωmega",
    "é",
    "e\u0301",
    "Zebra",
    "apple",
    "=formula topic",
    "",
]
# Slugs a form would refuse but a database may hold; all go into links.
SLUGS = ["été-über", "a b/c?d", "~tilde", "-leading", "=eq", "per%cent", "x.y_z"]
TIME_ZONES = [
    "UTC",
    "America/New_York",
    "Asia/Kolkata",
    "America/St_Johns",
    "Pacific/Chatham",
    "Asia/Tokyo",
]


@pytest.fixture(autouse=True)
def copy_any_size(monkeypatch):
    """Send even a few rows through COPY (MIN_ROWS keeps them in Python)."""
    monkeypatch.setattr(exports_postgres, "MIN_ROWS", 0)


def _at(year, month=6, day=1, hour=12, microsecond=0):
    return datetime(year, month, day, hour, 7, 9, microsecond, tzinfo=timezone.UTC)


@pytest.fixture
def python_path(monkeypatch):
    """Make the exports take the Python writers, as they do on SQLite."""
    monkeypatch.setattr(exports_postgres, "can_export", lambda publications: False)


def _write(writer, publications, **options):
    out = io.StringIO(newline="")
    writer(publications, out, **options)
    return out.getvalue()


def _copy_and_python(monkeypatch, writer, publications, **options):
    """Return the text COPY writes and the text the Python writer writes."""
    with CaptureQueriesContext(connection) as queries:
        copied = _write(writer, publications, **options)
    assert any(q["sql"].startswith("COPY (") for q in queries), "COPY not used"
    with monkeypatch.context() as patch:
        patch.setattr(exports_postgres, "can_export", lambda publications: False)
        python = _write(writer, publications, **options)
    return copied, python


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker):
    """Publications of both kinds with hostile text in every column.

    Made once for the module in a transaction rolled back at its end; each
    test runs in a savepoint inside it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_hostile()
        transaction.set_rollback(True)


def _make_hostile():
    tags = [
        Tag.objects.create(name=name, slug=f"topic-{index}")
        for index, name in enumerate(TOPICS)
    ]
    authors = [
        make_author(name=name, slug=f"author-{index}")
        for index, name in enumerate([*HOSTILE, "", "Plain Author"])
    ]
    types = [
        PublicationType.objects.create(
            name=name, slug=f"type-{index}", kind="report" if index % 2 else "related"
        )
        for index, name in enumerate(HOSTILE[:6])
    ]
    series = [
        make_series(title=name, slug=f"series-{index}")
        for index, name in enumerate(HOSTILE[:5])
    ]
    now = timezone.now()
    for index, text in enumerate(HOSTILE):
        # Authors out of their insertion order, ties broken by id; a few
        # items without authors or topics.
        own_authors = [authors[(index + step) % len(authors)] for step in range(3)]
        report = make_report(
            title=text,
            slug=f"hostile-report-{index}",
            number=index if index % 3 else None,
            authors=() if index % 7 == 3 else own_authors,
            tags=() if index % 5 == 4 else tags[index % 9 : index % 9 + 5],
            series=series[index % 5] if index % 2 else None,
            publish_at=_at(2020 + index % 6, 1 + index % 12, microsecond=index % 2),
            pdf=index % 3 == 1,
            published=index % 6 != 5,
        )
        Report.objects.filter(pk=report.pk).update(publication_type=types[1])
        make_related(
            title=text[::-1],
            slug=f"hostile-related-{index}",
            type_slug="commentary" if index % 2 else "analysis",
            external_url=[
                "",
                "https://partner.example/x?a=1&b=2",
                "partner.example/no-scheme",
                "/local/path",
                "=cmd|' /C calc'!A0",
                "mailto:someone@example.org",
            ][index % 6],
            authors=own_authors[:1],
            tags=tags[-(index % 4) - 1 :],
            publish_at=now - timedelta(days=index, microseconds=index),
            unpublish_at=now - timedelta(hours=1) if index % 8 == 7 else None,
        )
    # Same position: the author added first comes first.
    tied = make_report(slug="tied-authors", authors=(), tags=tags)
    for author in (authors[-1], authors[0], authors[3]):
        Authorship.objects.create(publication=tied, author=author, position=1)
    Authorship.objects.create(publication=tied, author=authors[5], position=0)
    for index, slug in enumerate(SLUGS):
        make_report(
            title=f"Odd slug {index}",
            slug=f"odd-slug-{index}",
            pdf=index % 2 == 0,
            publish_at=_at(1880 + index * 30, 3, 1, hour=index),
        )
        # Around the form's slug check, as a bulk edit could do.
        Publication.objects.filter(slug=f"odd-slug-{index}").update(slug=slug)
    make_report(slug="scheduled", publish_at=now + timedelta(days=3))
    make_report(slug="empty-title", title="")
    Publication.objects.filter(slug="empty-title").update(title="")
    return {"tags": tags, "authors": authors, "series": series, "types": types}


def _filter_cases(hostile):
    """Return (form class, data) for every filter of the command and page."""
    tag = hostile["tags"][0]
    author = hostile["authors"][1]
    cases = [{}]
    cases += [{"status": status} for status in ("live", "draft", "scheduled")]
    cases += [{"status": status} for status in ("expired", "all")]
    cases += [
        {"status": "all", "type": "commentary"},
        {"status": "all", "type": hostile["types"][1].slug},
        {"status": "all", "topic": tag.slug},
        {"status": "all", "series": hostile["series"][1].slug},
        {"status": "all", "author": author.slug},
        {"status": "all", "since": "2022-01-01"},
        {"status": "all", "until": "2023-06-30"},
        {"status": "all", "since": "2021-01-01", "until": "2024-12-31"},
        {"status": "live", "topic": tag.slug, "author": author.slug},
        {"status": "all", "since": "2030-01-01"},  # nothing
    ]
    command = [(ExportFilters, data) for data in cases]
    page = [
        (PublicationExportForm, {"status": "all", "q": "line"}),
        (PublicationExportForm, {"status": "all", "q": "said hi"}),
        (PublicationExportForm, {"status": "all", "year_from": "2021"}),
        (PublicationExportForm, {"year_from": "2020", "year_to": "2022"}),
        (PublicationExportForm, {"status": "all", "type": "analysis"}),
    ]
    return command + page


def test_copy_writes_the_python_bytes_for_every_filter(hostile, monkeypatch):
    for form_class, data in _filter_cases(hostile):
        form = form_class(data)
        assert form.is_valid(), (data, form.errors)
        publications = form.publications()
        for writer, options in (
            (write_publications_csv, {}),
            (write_publications_csv, {"byte_order_mark": True}),
            (write_publications_json, {}),
        ):
            copied, python = _copy_and_python(
                monkeypatch, writer, publications, **options
            )
            assert copied == python, (data, writer.__name__, options)
    # The cases above are not all empty.
    everything = ExportFilters({"status": "all"})
    assert everything.is_valid()
    assert everything.publications().count() > 2 * len(HOSTILE)


@pytest.mark.parametrize("time_zone", TIME_ZONES)
def test_dates_match_in_every_time_zone(hostile, monkeypatch, settings, time_zone):
    settings.TIME_ZONE = time_zone
    publications = Publication.objects.newest_first()

    copied, python = _copy_and_python(monkeypatch, write_publications_csv, publications)

    assert copied == python
    if time_zone == "Asia/Tokyo":
        assert "+09:18:59" in copied  # local mean time, before 1888


@pytest.mark.parametrize(
    "queryset",
    [
        lambda: Report.objects.order_by("title", "-pk"),
        lambda: RelatedPublication.objects.order_by("-publish_at", "-pk"),
        lambda: (
            Publication.objects.filter(authors__name__contains="a")
            .distinct()
            .order_by("slug")
        ),
    ],
    ids=["reports-by-title", "related", "distinct-by-slug"],
)
def test_admin_querysets_keep_their_order_and_columns(hostile, monkeypatch, queryset):
    for writer in (write_publications_csv, write_publications_json):
        copied, python = _copy_and_python(monkeypatch, writer, queryset())
        assert copied == python


def test_links_follow_the_site_address_and_script_prefix(
    hostile, monkeypatch, settings
):
    settings.FOLIO_SITE_URL = "https://folio.example/institute/"
    set_script_prefix("/sub/")
    try:
        copied, python = _copy_and_python(
            monkeypatch, write_publications_csv, Publication.objects.newest_first()
        )
    finally:
        set_script_prefix("/")

    assert copied == python
    assert "https://folio.example/institute/sub/publications/" in copied
    assert "/publications/%C3%A9t%C3%A9-%C3%BCber/" in copied


def test_streamed_text_is_the_written_text(hostile):
    publications = Publication.objects.newest_first()

    for iterate, write in (
        (iter_publications_csv, write_publications_csv),
        (iter_publications_json, write_publications_json),
    ):
        assert "".join(iterate(publications)) == _write(write, publications)


def test_progress_is_reported_as_the_python_writer_reports_it(monkeypatch):
    for n in range(3):
        make_report(title=f"Progress {n}")
        make_related(title=f"Progress {n}")
    publications = Publication.objects.filter(title__startswith="Progress")
    publications = publications.newest_first()

    reported = {}
    for path in ("copy", "python"):
        with monkeypatch.context() as patch:
            if path == "python":
                patch.setattr(exports_postgres, "can_export", lambda qs: False)
            for size in (4, 6, 2):
                done = []
                _write(
                    write_publications_csv,
                    publications,
                    chunk_size=size,
                    progress=done.append,
                )
                reported[path, size] = done
            empty = []
            _write(
                write_publications_csv,
                Publication.objects.none(),
                progress=empty.append,
            )
            reported[path, "empty"] = empty

    assert reported["copy", 4] == reported["python", 4] == [4, 6]
    assert reported["copy", 6] == reported["python", 6] == [6]
    assert reported["copy", 2] == reported["python", 2] == [2, 4, 6]
    assert reported["copy", "empty"] == reported["python", "empty"] == [0]


def test_empty_exports_match(monkeypatch):
    for writer in (write_publications_csv, write_publications_json):
        copied, python = _copy_and_python(
            monkeypatch, writer, Publication.objects.filter(slug="none")
        )
        assert copied == python
        # A queryset that cannot match needs no statement: the header alone.
        nothing = _write(writer, Publication.objects.none())
        with monkeypatch.context() as patch:
            patch.setattr(exports_postgres, "can_export", lambda qs: False)
            assert nothing == _write(writer, Publication.objects.none())


def test_admin_download_uses_copy_and_keeps_its_checks(hostile, client, monkeypatch):
    client.force_login(make_user(role="Contributors"))
    assert client.get(EXPORT_PAGE, {"download": "csv"}).status_code == 403

    client.force_login(make_user(role="Exporters"))
    params = {"status": "all", "download": "csv"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(EXPORT_PAGE, params)
        copied = b"".join(response.streaming_content)
    assert any(q["sql"].startswith("COPY (") for q in queries)
    with monkeypatch.context() as patch:
        patch.setattr(exports_postgres, "can_export", lambda qs: False)
        response = client.get(EXPORT_PAGE, params)
        python = b"".join(response.streaming_content)

    assert copied.startswith(b"\xef\xbb\xbfkind,")
    assert copied == python


def test_command_file_is_the_python_file(hostile, monkeypatch, tmp_path):
    copied, python = tmp_path / "copy.csv", tmp_path / "python.csv"
    call_command(
        "export_publications",
        "--format",
        "csv",
        "--status",
        "all",
        "--output",
        str(copied),
    )
    with monkeypatch.context() as patch:
        patch.setattr(exports_postgres, "can_export", lambda qs: False)
        call_command(
            "export_publications",
            "--format",
            "csv",
            "--status",
            "all",
            "--output",
            str(python),
        )

    assert copied.read_bytes() == python.read_bytes()
    assert copied.read_bytes().count(b"\r\n") > len(HOSTILE)


def test_only_an_ordered_whole_queryset_goes_through_copy():
    assert exports_postgres.can_export(Publication.objects.newest_first())
    assert not exports_postgres.can_export(Publication.objects.order_by())
    assert not exports_postgres.can_export(Publication.objects.newest_first()[:5])
    assert exports._database_writer(Author.objects.order_by("pk")) is None


def test_fewer_rows_than_min_rows_stay_in_python(
    monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(exports_postgres, "MIN_ROWS", 3)
    for n in range(2):
        make_report(title=f"Few {n}")
    few = Publication.objects.filter(title__startswith="Few").newest_first()

    with CaptureQueriesContext(connection) as queries:
        _write(write_publications_csv, few)
    assert not any(q["sql"].startswith("COPY (") for q in queries)

    make_report(title="Few 2")
    # Whether there are three, the topics' order, planner settings, COPY,
    # settings back.
    with django_assert_num_queries(5):
        _write(write_publications_csv, few)
