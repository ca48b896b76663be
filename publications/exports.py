"""Streaming CSV, JSON and XLSX writers for lists of publications.

Each writer takes a QuerySet of publications and a file-like object. Rows are
read chunk by chunk (iterator(chunk_size=...), then the authors and topics of
each chunk in one query each) and written as they come, so memory stays flat
whatever the number of rows. The columns are PublicationResource's; with
``with_content=True`` the content columns an import reads follow them.
"""

import csv
import io
import json
import os
import shutil
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from publications.resources import (
    CHUNK_SIZE,
    PublicationResource,
    export_columns,
    read_export_rows,
)

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A spreadsheet may run a cell starting with one of these as a formula
# (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Flush a streamed text export once this many characters are buffered.
_BUFFER_CHARACTERS = 64 * 1024
# Column widths of the workbook, in characters, in export_columns() order.
_XLSX_WIDTHS = (9, 20, 9, 60, 40, 40, 30, 40, 11, 20, 50, 50, 60, 60, 60, 60, 20)
# The one date of every part of a workbook and of its properties, so that
# two exports of the same rows are the same bytes (zip dates start in 1980).
_XLSX_DATE = datetime(1980, 1, 1)


def escape_formula(value):
    """Return *value* with a leading apostrophe if a spreadsheet could run it.

    The one rule for CSV and XLSX cells; JSON keeps values unchanged. Only
    text is touched: numbers and dates stay what they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _database_writer(publications, with_content=False):
    """Return publications.exports_postgres if it can write *publications*.

    There PostgreSQL builds the same text several times faster, with COPY;
    elsewhere (SQLite), and for an export with content, the rows are
    formatted here.
    """
    if with_content:
        return None  # COPY writes only the export's own columns.
    # Imported here: it uses this module's formula rule.
    from publications import exports_postgres

    if exports_postgres.can_export(publications):
        return exports_postgres
    return None


def iter_export_rows(
    publications, *, chunk_size=CHUNK_SIZE, progress=None, with_content=False
):
    """Yield each publication's column values, reading *chunk_size* rows at once.

    *progress*, if given, is called with the number of rows done after each
    chunk. With *with_content*, the content columns follow (export_columns).
    """
    resource = PublicationResource(with_content=with_content)
    rows = read_export_rows(
        publications,
        chunk_size=chunk_size,
        progress=progress,
        with_content=with_content,
    )
    for row in rows:
        yield resource.export_resource(row)


def _csv_row(row):
    # csv writes None as an empty field and numbers as they are.
    return [
        escape_formula(value)
        if type(value) is str
        else value.isoformat()
        if type(value) is datetime
        else value
        for value in row
    ]


def iter_publications_csv(publications, *, byte_order_mark=False, **options):
    """Yield the CSV text of *publications* in pieces of about 64 KB.

    With *byte_order_mark*, the text starts with U+FEFF so that Excel reads
    it as UTF-8.
    """
    if copy := _database_writer(publications, options.get("with_content")):
        yield from copy.iter_publications_csv(
            publications, byte_order_mark=byte_order_mark, **options
        )
    else:
        yield from _iter_csv(publications, byte_order_mark=byte_order_mark, **options)


def _iter_csv(publications, *, byte_order_mark=False, **options):
    buffer = io.StringIO()
    if byte_order_mark:
        buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(export_columns(with_content=options.get("with_content", False)))
    for row in iter_export_rows(publications, **options):
        writer.writerow(_csv_row(row))
        if buffer.tell() > _BUFFER_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def iter_publications_json(publications, **options):
    """Yield a JSON list of one object per publication, in pieces."""
    if copy := _database_writer(publications, options.get("with_content")):
        yield from copy.iter_publications_json(publications, **options)
    else:
        yield from _iter_json(publications, **options)


def _iter_json(publications, **options):
    encode = json.JSONEncoder(ensure_ascii=False).encode
    columns = export_columns(with_content=options.get("with_content", False))
    pieces = ["["]
    separator = "\n"
    size = 1
    for row in iter_export_rows(publications, **options):
        item = encode(dict(zip(columns, map(_json_value, row), strict=True)))
        pieces += (separator, item)
        separator = ",\n"
        size += len(item) + 2
        if size > _BUFFER_CHARACTERS:
            yield "".join(pieces)
            pieces = []
            size = 0
    pieces.append("\n]\n")
    yield "".join(pieces)


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def write_publications_csv(publications, out, **options):
    """Write *publications* as CSV to the text file *out*."""
    if copy := _database_writer(publications, options.get("with_content")):
        copy.write_publications_csv(publications, out, **options)
        return
    for piece in _iter_csv(publications, **options):
        out.write(piece)


def write_publications_json(publications, out, **options):
    """Write *publications* as a JSON list of objects to the text file *out*."""
    if copy := _database_writer(publications, options.get("with_content")):
        copy.write_publications_json(publications, out, **options)
        return
    for piece in _iter_json(publications, **options):
        out.write(piece)


def write_publications_xlsx(publications, out, **options):
    """Write *publications* as an Excel workbook to the binary file *out*.

    Dates are real date cells in the site's time zone (Excel has no time
    zones). openpyxl's write-only mode keeps rows on disk, not in memory.
    The same rows give the same bytes: every date in the file is _XLSX_DATE.
    """
    columns = export_columns(with_content=options.get("with_content", False))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Publications")
    sheet.freeze_panes = "A2"
    for index, width in enumerate(_XLSX_WIDTHS[: len(columns)], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([_header_cell(sheet, name, bold) for name in columns])
    for row in iter_export_rows(publications, **options):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    # workbook.save() stamps the file with the time; this is save() without.
    workbook.properties.created = workbook.properties.modified = _XLSX_DATE
    archive = _FixedDateZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()


class _FixedDateZipFile(zipfile.ZipFile):
    """A zip file whose entries all carry _XLSX_DATE, not the time written.

    openpyxl adds parts by name (dated now) and the write-only sheet from a
    temporary file (dated by its mtime).
    """

    def _entry(self, name, size=0):
        entry = zipfile.ZipInfo(name, date_time=_XLSX_DATE.timetuple()[:6])
        entry.compress_type = self.compression
        entry.external_attr = 0o600 << 16
        entry.file_size = size
        return entry

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._entry(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):
        entry = self._entry(arcname or filename, os.path.getsize(filename))
        with open(filename, "rb") as source, self.open(entry, "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)


def _header_cell(sheet, name, font):
    cell = WriteOnlyCell(sheet, value=name)
    cell.font = font
    return cell


def _xlsx_cell(sheet, value):
    if type(value) is str:
        # XML cannot hold most control characters; show where one was.
        value = escape_formula(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        if value in ERROR_CODES:
            # A title such as "#N/A" is text, not an error value.
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value
    if type(value) is datetime:
        # openpyxl writes a naive datetime as a date cell.
        return value.replace(tzinfo=None)
    return value


WRITERS = {
    "csv": write_publications_csv,
    "json": write_publications_json,
    "xlsx": write_publications_xlsx,
}
