"""Hostile and broken files are refused whole, with a message, writing nothing."""

import io
import time
import zipfile

import pytest

from publications.exports import FORMULA_PREFIXES
from publications.models import Publication, Report
from tests.imports import csv_file, row, run_import, xlsx_file

pytestmark = pytest.mark.django_db

FORMULAS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("https://evil.example","Click")',
    "=cmd|' /C calc'!A0",
]


def _refused_file(data, name="publications.csv"):
    report = run_import(data, name)
    assert report.error
    assert not report.written
    assert not Publication.objects.exists()
    return report.error


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_raw_formula_cell_is_refused(formula):
    report = run_import(csv_file([row(title=formula)]))
    [result] = report.rows
    assert "which a spreadsheet runs as a formula" in result.reasons[0]
    assert not Publication.objects.exists()


def test_formula_prefixes_are_those_the_export_escapes():
    assert {formula[0] for formula in FORMULAS} == set(FORMULA_PREFIXES)


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_exports_own_apostrophe_is_removed_so_the_text_comes_back(formula):
    report = run_import(csv_file([row(title="'" + formula)]))
    assert report.written
    assert Report.objects.get().title == formula.strip()


def test_a_formula_cell_in_a_workbook_is_refused():
    report = run_import(xlsx_file([row(title="=SUM(1,1)")]), "p.xlsx")
    assert "formula" in report.rows[0].reasons[0]
    assert not Publication.objects.exists()


def test_a_cell_over_the_cell_limit_refuses_its_row(settings):
    settings.FOLIO_IMPORT_MAX_CELL_CHARACTERS = 1000
    report = run_import(csv_file([row(title="x" * 1001)]))
    assert report.rows[0].reasons == ["title is too long"]
    assert not Publication.objects.exists()


def test_a_huge_cell_refuses_the_file():
    error = _refused_file(csv_file([row(title="x" * 1_000_000)]))
    assert "Line 2 has a cell longer than 100,000 characters" in error


def test_latin_1_text_is_refused_as_not_utf_8():
    data = csv_file([row(title="Café")]).decode().encode("latin-1")
    assert "not UTF-8 text" in _refused_file(data)


def test_utf_16_text_is_refused_with_what_to_do():
    data = csv_file([row()]).decode().encode("utf-16")
    assert "save it as “CSV UTF-8”" in _refused_file(data)


def test_a_byte_order_mark_is_fine():
    report = run_import(b"\xef\xbb\xbf" + csv_file([row()]))
    assert report.written


@pytest.mark.parametrize("character", ["\0", "\x1b", "\x7f"])
def test_control_characters_refuse_their_row(character):
    report = run_import(csv_file([row(title=f"a{character}b")]))
    assert report.rows[0].reasons == ["title holds a control character"]
    assert not Publication.objects.exists()


def test_a_zip_bomb_is_refused_before_the_workbook_is_opened(settings, monkeypatch):
    settings.FOLIO_IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    monkeypatch.setattr(
        "publications.imports.files.load_workbook",
        lambda *args, **kwargs: pytest.fail("the workbook was opened"),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (5 * 1024 * 1024))
    assert len(out.getvalue()) < 20_000
    assert "would unpack to 5 MB; the limit is 1 MB" in _refused_file(
        out.getvalue(), "bomb.xlsx"
    )


def test_a_zip_of_many_entries_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(300):
            archive.writestr(f"part{number}.xml", b"")
    assert "would unpack" in _refused_file(out.getvalue(), "many.xlsx")


def test_a_million_empty_csv_rows_stop_at_the_row_limit():
    data = csv_file([row()]) + b",,,,,\n" * 1_000_000
    started = time.monotonic()
    error = _refused_file(data)
    assert "more than 50,000 rows (blank rows count)" in error
    assert time.monotonic() - started < 5


def test_a_million_empty_workbook_rows_stop_at_the_row_limit():
    rows = "".join(f'<row r="{n}"/>' for n in range(2, 1_000_002))
    data = _workbook_with_rows(xlsx_file([]), rows)
    started = time.monotonic()
    assert "more than 50,000 rows" in _refused_file(data, "empty.xlsx")
    assert time.monotonic() - started < 10


def _workbook_with_rows(data, extra_rows):
    """Return workbook *data* with *extra_rows* (XML) after its sheet's rows."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(
                    b"</sheetData>", extra_rows.encode() + b"</sheetData>"
                )
            archive.writestr(info.filename, part)
    return out.getvalue()


def test_a_csv_named_xlsx_is_refused():
    assert "not an Excel workbook" in _refused_file(csv_file([row()]), "p.xlsx")


def test_other_file_types_are_refused():
    assert "Choose a .csv or .xlsx file" in _refused_file(b"<html>", "p.html")


def test_an_oversized_file_is_refused_before_reading(settings):
    settings.FOLIO_IMPORT_MAX_BYTES = 100
    assert "the limit is 0" in _refused_file(csv_file([row(), row(slug="b")]))


def test_unknown_and_missing_columns_are_refused():
    data = csv_file([row()], columns=("kind", "title", "slug", "colour"))
    error = _refused_file(data)
    assert "Unknown column “colour”" in error
    assert "missing: type, status, publish_date" in _refused_file(
        csv_file([row()], columns=("kind", "title", "slug"))
    )


def test_a_header_without_rows_is_refused():
    assert "no rows to import" in _refused_file(csv_file([]))
