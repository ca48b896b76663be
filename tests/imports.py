"""Helpers for the import tests: files to import, and exports to compare."""

import io

from openpyxl import Workbook

from publications.exports import write_publications_csv, write_publications_xlsx
from publications.imports import import_publications
from publications.models import Publication
from publications.resources import COLUMNS


def exported_csv(publications=None):
    out = io.StringIO()
    write_publications_csv(
        Publication.objects.all() if publications is None else publications, out
    )
    return out.getvalue().encode()


def exported_xlsx(publications=None):
    out = io.BytesIO()
    write_publications_xlsx(
        Publication.objects.all() if publications is None else publications, out
    )
    return out.getvalue()


def csv_file(rows, *, columns=COLUMNS):
    """Return CSV bytes of *rows* (dicts by column) under *columns*."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return out.getvalue().encode()


def xlsx_file(rows, *, columns=COLUMNS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(name) for name in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_import(data, name="publications.csv", **options):
    """Import the bytes *data* as file *name*; return the ImportReport."""
    options.setdefault("dry_run", False)
    return import_publications(io.BytesIO(data), name, **options)


def row(**values):
    """Return a draft report row, with *values* replacing the defaults."""
    base = {
        "kind": "report",
        "type": "Special Report",
        "title": "Imported report",
        "slug": "imported-report",
        "status": "draft",
        "publish_date": "2024-05-01T09:30:00+00:00",
    }
    return {**base, **values}


def empty_site():
    """Remove every publication, author and topic; types and series stay."""
    from taggit.models import Tag

    from authors.models import Author

    Publication.objects.all().delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()


def with_content_columns(data, content, *, file_format="csv"):
    """Return export *data* with content columns added from *content*[slug]."""
    import csv

    from openpyxl import load_workbook

    names = ("teaser", "about", "body", "summary_points")
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        slug = rows[0].index("slug")
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([*rows[0], *names])
        for values in rows[1:]:
            extra = content.get(values[slug], {})
            writer.writerow([*values, *(extra.get(name, "") for name in names)])
        return out.getvalue().encode()
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    slug = header.index("slug")
    for offset, name in enumerate(names, start=len(header) + 1):
        sheet.cell(row=1, column=offset, value=name)
    for index in range(2, sheet.max_row + 1):
        extra = content.get(sheet.cell(row=index, column=slug + 1).value, {})
        for offset, name in enumerate(names, start=len(header) + 1):
            sheet.cell(row=index, column=offset, value=extra.get(name) or None)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def workbook_parts(data):
    """Return [(name, bytes)] of each part of the workbook *data*, in order."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]
