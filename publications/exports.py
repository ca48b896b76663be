"""Streaming CSV, JSON and XLSX writers for lists of publications.

Each writer takes a QuerySet of publications and a file-like object. Rows are
read chunk by chunk (iterator(chunk_size=...), then the authors and topics of
each chunk in one query each) and written as they come, so memory stays flat
whatever the number of rows. The columns are PublicationResource's.
"""

import csv
import io
import json
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from publications.resources import (
    CHUNK_SIZE,
    COLUMNS,
    PublicationResource,
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
# Column widths of the workbook, in characters, in COLUMNS order.
_XLSX_WIDTHS = (9, 20, 9, 60, 40, 40, 30, 40, 11, 20, 50, 50)


def escape_formula(value):
    """Return *value* with a leading apostrophe if a spreadsheet could run it.

    The one rule for CSV and XLSX cells; JSON keeps values unchanged. Only
    text is touched: numbers and dates stay what they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _database_writer(publications):
    """Return publications.exports_postgres if it can write *publications*.

    There PostgreSQL builds the same text several times faster, with COPY;
    elsewhere (SQLite) the rows are formatted here.
    """
    # Imported here: it uses this module's formula rule.
    from publications import exports_postgres

    if exports_postgres.can_export(publications):
        return exports_postgres
    return None


def iter_export_rows(publications, *, chunk_size=CHUNK_SIZE, progress=None):
    """Yield each publication's column values, reading *chunk_size* rows at once.

    *progress*, if given, is called with the number of rows done after each
    chunk.
    """
    resource = PublicationResource()
    rows = read_export_rows(publications, chunk_size=chunk_size, progress=progress)
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
    if copy := _database_writer(publications):
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
    writer.writerow(COLUMNS)
    for row in iter_export_rows(publications, **options):
        writer.writerow(_csv_row(row))
        if buffer.tell() > _BUFFER_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def iter_publications_json(publications, **options):
    """Yield a JSON list of one object per publication, in pieces."""
    if copy := _database_writer(publications):
        yield from copy.iter_publications_json(publications, **options)
    else:
        yield from _iter_json(publications, **options)


def _iter_json(publications, **options):
    encode = json.JSONEncoder(ensure_ascii=False).encode
    pieces = ["["]
    separator = "\n"
    size = 1
    for row in iter_export_rows(publications, **options):
        item = encode(dict(zip(COLUMNS, map(_json_value, row), strict=True)))
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
    if copy := _database_writer(publications):
        copy.write_publications_csv(publications, out, **options)
        return
    for piece in _iter_csv(publications, **options):
        out.write(piece)


def write_publications_json(publications, out, **options):
    """Write *publications* as a JSON list of objects to the text file *out*."""
    if copy := _database_writer(publications):
        copy.write_publications_json(publications, out, **options)
        return
    for piece in _iter_json(publications, **options):
        out.write(piece)


def write_publications_xlsx(publications, out, **options):
    """Write *publications* as an Excel workbook to the binary file *out*.

    Dates are real date cells in the site's time zone (Excel has no time
    zones). openpyxl's write-only mode keeps rows on disk, not in memory.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Publications")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", _XLSX_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    sheet.append([_header_cell(sheet, name, bold) for name in COLUMNS])
    for row in iter_export_rows(publications, **options):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(out)


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
