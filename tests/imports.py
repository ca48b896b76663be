"""Helpers for the import tests: files to import, and exports to compare."""

import io

from openpyxl import Workbook

from publications.exports import write_publications_csv, write_publications_xlsx
from publications.imports import import_publications
from publications.models import Publication
from publications.resources import COLUMNS


def exported_csv(publications=None, **options):
    out = io.StringIO()
    write_publications_csv(
        Publication.objects.all() if publications is None else publications,
        out,
        **options,
    )
    return out.getvalue().encode()


def exported_xlsx(publications=None, **options):
    out = io.BytesIO()
    write_publications_xlsx(
        Publication.objects.all() if publications is None else publications,
        out,
        **options,
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
