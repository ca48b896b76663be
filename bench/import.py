"""Benchmark imports: rows per second and peak memory, dry run and real.

    DATABASE_URL=... python bench/import.py [--rows 10000] [--formats csv xlsx]

Writes a file of --rows publications (half reports, half related
publications, a quarter of them live and complete, with authors, topics,
series, summary points and bodies; slugs start with "bench-import-") and
imports it into the configured database, which is migrated first: use a
database of your own, not a shared one. Each run is a fresh process, so its
peak resident set size is its own: first a dry run, then the import, then the
bench rows are deleted again. Prints one line per run: wall-clock and CPU
seconds (on a shared machine the CPU time is the steadier figure), rows per
second of wall-clock time, and peak memory after start-up and at the end.
"""

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

PREFIX = "bench-import-"
AUTHORS = 300
TOPICS = 60
SERIES = 20


def _setup():
    import django

    django.setup()


def _peak_rss_megabytes():
    # VmHWM starts afresh at exec; ru_maxrss would carry the parent's peak.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rows(count):
    from publications.imports.cells import CONTENT_COLUMNS
    from publications.resources import COLUMNS

    columns = (*COLUMNS, *CONTENT_COLUMNS[:-1])
    yield columns
    for number in range(count):
        is_report = number % 2 == 0
        live = number % 4 == 0
        values = {
            "kind": "report" if is_report else "related",
            "type": "Special Report" if is_report else "Analysis",
            "number": 1_000_000 + number if is_report else "",
            "title": f"Bench import item {number}",
            "slug": f"{PREFIX}{number}",
            "authors": f"Bench Author {number % AUTHORS}; "
            f"Bench Author {(number * 7) % AUTHORS}",
            "series": f"Bench series {number % SERIES}" if is_report else "",
            "topics": f"Bench topic {number % TOPICS}; Bench topic {number % 7}",
            "status": "live" if live else "draft",
            "publish_date": "2025-01-01T09:00:00+00:00",
            "teaser": "A teaser of a sentence or two about the item.",
            "about": "<p>Why this report was written.</p>" if is_report else "",
            "body": "<p>" + "A paragraph of the body. " * 40 + "</p>",
            "summary_points": "One finding.\nAnother finding." if is_report else "",
        }
        yield [values.get(name, "") for name in columns]


def write_file(count, file_format, path):
    rows = _rows(count)
    if file_format == "csv":
        with open(path, "w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows)
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Publications")
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def prepare():
    """Migrate the database and make the series the bench rows name."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from publications.models import Series

    for number in range(SERIES):
        Series.objects.get_or_create(
            slug=f"{PREFIX}series-{number}",
            defaults={"title": f"Bench series {number}"},
        )
    clean()


def clean():
    from django.db import transaction
    from taggit.models import Tag

    from authors.models import Author
    from publications.models import Publication
    from publications.search import index_updates_deferred

    # One transaction, and the search index touched once rather than per row.
    with transaction.atomic(), index_updates_deferred():
        Publication.objects.filter(slug__startswith=PREFIX).delete()
        Author.objects.filter(name__startswith="Bench Author").delete()
        Tag.objects.filter(name__startswith="Bench topic").delete()


def child(path, dry_run):
    """Import *path* once; print seconds, counts and peak memory as one line."""
    _setup()
    from django.db import connection

    from publications.imports import import_publications

    baseline = _peak_rss_megabytes()
    with open(path, "rb") as handle:
        started, cpu_started = time.perf_counter(), time.process_time()
        report = import_publications(
            handle, Path(path).name, dry_run=dry_run, user=None
        )
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
    if report.error or report.refused:
        reasons = [row.reasons for row in report.rows if row.reasons][:3]
        sys.exit(f"import refused: {report.error or reasons}")
    print(
        f"{connection.vendor}\t{seconds:.2f}\t{cpu_seconds:.2f}\t{report.total}\t"
        f"{baseline:.0f}\t{_peak_rss_megabytes():.0f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child[0], options.child[1] == "dry")
        return
    _setup()
    prepare()
    print("database\tformat\trun\tseconds\tCPU s\trows\trows/s\tbaseline MB\tpeak MB")
    with tempfile.TemporaryDirectory() as folder:
        for file_format in options.formats:
            path = Path(folder) / f"bench.{file_format}"
            write_file(options.rows, file_format, path)
            for run in ("dry", "import"):
                result = subprocess.run(
                    [sys.executable, __file__, "--child", str(path), run],
                    capture_output=True,
                    text=True,
                )
                if result.returncode:
                    sys.exit(result.stderr or result.stdout)
                vendor, seconds, cpu, rows, baseline, peak = result.stdout.split("\t")
                print(
                    f"{vendor}\t{file_format}\t{run}\t{seconds}\t{cpu}\t{rows}\t"
                    f"{int(rows) / float(seconds):,.0f}\t{baseline}\t{peak.strip()}"
                )
            clean()


if __name__ == "__main__":
    main()
