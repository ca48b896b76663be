"""Read the rows of an uploaded CSV or XLSX file, refusing hostile files early.

Rows are read one at a time, never the whole file at once, and every limit
is checked before the work it protects: the file's size before reading, a
workbook's uncompressed size (from the zip directory, which also bounds what
zipfile will inflate) before openpyxl opens it, the number of rows, blank
ones included, as they come. A file that breaks a limit raises ImportFileError
with a message for the editor; a cell that is merely wrong is the row
planner's business (publications.imports.rows).
"""

import codecs
import csv
import io
import zipfile
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

# What a spreadsheet may run as a formula (publications.exports).
from publications.exports import FORMULA_PREFIXES

XLSX_MAGIC = b"PK\x03\x04"
# A workbook holds a dozen parts; thousands of entries are a zip bomb's shape.
_MAX_ZIP_ENTRIES = 200
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class ImportFileError(Exception):
    """The file cannot be imported at all; the message says why."""


class Formula(str):
    """A cell a spreadsheet would run: refused, never imported."""


def limits():
    """Return the import limits from the settings, read at call time."""
    return {
        "bytes": settings.FOLIO_IMPORT_MAX_BYTES,
        "rows": settings.FOLIO_IMPORT_MAX_ROWS,
        "cell": settings.FOLIO_IMPORT_MAX_CELL_CHARACTERS,
        "unzipped": settings.FOLIO_IMPORT_MAX_UNZIPPED_BYTES,
    }


def file_format(name, head):
    """Return "csv" or "xlsx" for a file called *name* starting with *head*."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        if not head.startswith(XLSX_MAGIC):
            raise ImportFileError(_("This .xlsx file is not an Excel workbook."))
        return "xlsx"
    if lower.endswith(".csv"):
        return "csv"
    raise ImportFileError(_("Choose a .csv or .xlsx file."))


def read_rows(binary_file, name):
    """Yield the rows of *binary_file* as lists of cell values; first the header.

    Values are str (with Formula for a cell a spreadsheet would run), int,
    float, datetime or None. Blank rows are skipped but counted against the
    row limit, so a file of a million empty rows stops at the limit.
    """
    limit = limits()
    binary_file.seek(0, io.SEEK_END)
    size = binary_file.tell()
    binary_file.seek(0)
    if size > limit["bytes"]:
        raise ImportFileError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(limit["bytes"])}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    head = binary_file.read(4)
    binary_file.seek(0)
    if file_format(name, head) == "xlsx":
        rows = _xlsx_rows(binary_file, limit)
    else:
        rows = _csv_rows(binary_file, limit)
    for number, row in enumerate(rows, start=1):
        if number > limit["rows"] + 1:
            raise ImportFileError(
                _(
                    "The file has more than %(limit)s rows (blank rows count); "
                    "split it into smaller files."
                )
                % {"limit": f"{limit['rows']:,}"}
            )
        if any(value not in (None, "") for value in row):
            yield number, row


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def _csv_rows(binary_file, limit):
    if binary_file.read(2) in _UTF16_MARKS:
        raise ImportFileError(
            _("The file is UTF-16 text; save it as “CSV UTF-8” and try again.")
        )
    binary_file.seek(0)
    text = io.TextIOWrapper(binary_file, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    try:
        for row in reader:
            yield [_text_cell(value, limit) for value in row]
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (near line %(line)s); save it as "
                "“CSV UTF-8” and try again."
            )
            % {"line": reader.line_num + 1}
        ) from error
    except csv.Error as error:
        # The csv module's own limit on a field (131,072 characters) and
        # NUL bytes land here, as does malformed quoting.
        if "field larger than field limit" in str(error):
            raise ImportFileError(
                _(
                    "Line %(line)s has a cell longer than %(limit)s characters, "
                    "the limit for one cell."
                )
                % {"line": reader.line_num, "limit": f"{limit['cell']:,}"}
            ) from error
        raise ImportFileError(
            _("Line %(line)s cannot be read as CSV: %(error)s.")
            % {"line": reader.line_num, "error": error}
        ) from error
    finally:
        text.detach()


def _text_cell(value, limit):
    """Return text *value*, undoing the export's formula escape.

    The export puts an apostrophe before text a spreadsheet would run
    (publications.exports.escape_formula): that apostrophe is removed, so a
    round trip gives the text back. Unescaped, such text is a Formula.
    """
    if len(value) > limit["cell"]:
        return TooLong(value[:80])
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    if value.startswith(FORMULA_PREFIXES):
        return Formula(value[:80])
    return value


class TooLong(str):
    """The start of a cell longer than the limit: refused, never imported."""


def _xlsx_rows(binary_file, limit):
    _check_zip(binary_file, limit)
    try:
        workbook = load_workbook(
            binary_file, read_only=True, data_only=False, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds for a bad file
        raise ImportFileError(
            _("The workbook cannot be read: %(error)s") % {"error": error}
        ) from error
    try:
        sheet = workbook.worksheets[0]
        # Read every row there is, not the range the file claims to use:
        # a wrong <dimension> would otherwise hide rows.
        sheet.reset_dimensions()
        for row in sheet.iter_rows():
            yield [_xlsx_cell(cell, limit) for cell in row]
    finally:
        workbook.close()


def _check_zip(binary_file, limit):
    """Refuse a workbook whose parts would inflate past the limit.

    zipfile inflates an entry only up to the size its directory records (and
    fails on a mismatch), so summing those sizes bounds the work.
    """
    try:
        with zipfile.ZipFile(binary_file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(_("This .xlsx file is not an Excel workbook.")) from error
    finally:
        binary_file.seek(0)
    unzipped = sum(entry.file_size for entry in entries)
    if len(entries) > _MAX_ZIP_ENTRIES or unzipped > limit["unzipped"]:
        raise ImportFileError(
            _(
                "The workbook would unpack to %(size)s MB; the limit is "
                "%(limit)s MB. Save it again without unused sheets, or as CSV."
            )
            % {
                "size": _megabytes(unzipped),
                "limit": _megabytes(limit["unzipped"]),
            }
        )


def _xlsx_cell(cell, limit):
    value = getattr(cell, "value", None)
    data_type = getattr(cell, "data_type", None)
    if value is None:
        return None
    if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        return Formula(str(value)[:80])
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return _text_cell(str(value), limit)
