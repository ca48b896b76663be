"""Benchmark the publication exports: rows per second, peak memory, SQL queries.

    python bench/export.py [--rows 100000] [--sizes 10000 100000]
                           [--formats csv json xlsx] [--clean]

Seeds --rows publications (half reports, half related publications, with
authors and topics; slugs start with "bench-") into the configured database
once, with bulk inserts; later runs reuse them. Each export then runs in a
fresh process, so that its peak resident set size is its own, and writes to a
temporary file through the same writers as the admin and the command. SQL
queries are those Django sends; on PostgreSQL the rows come through one
server-side cursor, fetched once per chunk by the driver.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from itertools import batched
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# Production conditions: no query log kept in memory.
os.environ.setdefault("DJANGO_DEBUG", "false")

PREFIX = "bench-"
AUTHORS = 300
TOPICS = 60
SERIES = 20
BATCH = 2000
# Report numbers above the demo's and any real institute's.
FIRST_NUMBER = 1_000_000


def _setup():
    import django

    django.setup()


def _peak_rss_megabytes():
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bench_publications():
    from publications.models import Publication

    return Publication.objects.filter(slug__startswith=PREFIX)


def seed(rows, *, out=sys.stdout):
    """Create *rows* bench publications unless they exist; return seconds spent."""
    from django.db import transaction

    existing = _bench_publications().count()
    if existing == rows:
        return 0.0
    if existing:
        clean(out=out)
    from django.db import connection

    started = time.perf_counter()
    with transaction.atomic():
        _seed(rows)
    with connection.cursor() as cursor:
        # Fresh planner statistics, as a database in use would have.
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _seed(rows):
    from django.db import connection
    from django.utils import timezone
    from taggit.models import Tag

    from authors.models import Author
    from publications.models import (
        Authorship,
        Publication,
        PublicationType,
        RelatedPublication,
        Report,
        Series,
        TaggedPublication,
    )

    rng = random.Random(20261129)
    authors = Author.objects.bulk_create(
        Author(name=f"Bench Author {n}", slug=f"{PREFIX}author-{n}")
        for n in range(AUTHORS)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=f"Bench topic {n}", slug=f"{PREFIX}topic-{n}") for n in range(TOPICS)
    )
    series = Series.objects.bulk_create(
        Series(title=f"Bench series {n}", slug=f"{PREFIX}series-{n}")
        for n in range(SERIES)
    )
    report_types = list(PublicationType.objects.filter(kind="report"))
    related_types = list(PublicationType.objects.filter(kind="related"))
    now = timezone.now()
    for start in range(0, rows, BATCH):
        publications = []
        for index in range(start, min(start + BATCH, rows)):
            is_report = index % 2 == 0
            publication_type = rng.choice(report_types if is_report else related_types)
            publications.append(
                Publication(
                    kind="report" if is_report else "related",
                    publication_type=publication_type,
                    number=FIRST_NUMBER + index if is_report else None,
                    title=f"Bench publication {index}: peace, water, borders",
                    slug=f"{PREFIX}{index}",
                    teaser="A bench teaser of ordinary length. " * 4,
                    status="draft" if index % 25 == 0 else "published",
                    publish_at=now - timedelta(minutes=7 * index + 60),
                )
            )
        Publication.objects.bulk_create(publications)
        _insert_children(connection, Report, RelatedPublication, publications, series)
        Authorship.objects.bulk_create(
            Authorship(publication=publication, author=author, position=position)
            for publication in publications
            for position, author in enumerate(rng.sample(authors, rng.randint(1, 3)))
        )
        TaggedPublication.objects.bulk_create(
            TaggedPublication(content_object=publication, tag=tag)
            for publication in publications
            for tag in rng.sample(tags, rng.randint(0, 4))
        )


def _insert_children(connection, report_model, related_model, publications, series):
    """Insert the Report and RelatedPublication rows of *publications*.

    bulk_create() refuses multi-table inheritance, so the child rows go in
    with multi-row INSERTs of every column (defaults where not set here).
    """
    reports, related = [], []
    for index, publication in enumerate(publications):
        if publication.kind == "report":
            reports.append(
                {
                    "publication_ptr_id": publication.pk,
                    "series_id": series[index % len(series)].pk
                    if index % 3 == 0
                    else None,
                    "pdf": f"pdfs/bench/{publication.slug}.pdf" if index % 4 else "",
                }
            )
        else:
            external = index % 10 == 1
            related.append(
                {
                    "publication_ptr_id": publication.pk,
                    "body": "" if external else "<p>Bench body.</p>",
                    "external_url": f"https://partner.example/{publication.slug}"
                    if external
                    else "",
                }
            )
    for model, rows in ((report_model, reports), (related_model, related)):
        fields = model._meta.local_concrete_fields
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            for batch in batched(rows, 500):
                row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
                params = [
                    row.get(field.column, field.get_default())
                    for row in batch
                    for field in fields
                ]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES "
                    + ", ".join([row_sql] * len(batch)),
                    params,
                )


def clean(*, out=sys.stdout):
    """Delete every bench row."""
    from django.db import transaction
    from taggit.models import Tag

    from authors.models import Author
    from publications.models import Authorship, Series

    with transaction.atomic():
        publications = _bench_publications()
        Authorship.objects.filter(publication__in=publications).delete()
        publications.delete()
        Author.objects.filter(slug__startswith=PREFIX).delete()
        Tag.objects.filter(slug__startswith=PREFIX).delete()
        Series.objects.filter(slug__startswith=PREFIX).delete()
    out.write("Removed the bench publications.\n")


def measure(file_format, size):
    """Export *size* bench publications in *file_format*; return the figures."""
    from django.db import connection

    from publications.exports import CHUNK_SIZE, WRITERS

    publications = _bench_publications()
    if size < publications.count():
        last = publications.order_by("pk").values_list("pk", flat=True)[size - 1]
        publications = publications.filter(pk__lte=last)
    publications = publications.newest_first()
    baseline = _peak_rss_megabytes()
    queries = 0

    def count_queries(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    binary = file_format == "xlsx"
    with tempfile.TemporaryFile(mode="w+b" if binary else "w+") as out:
        rows = []
        with connection.execute_wrapper(count_queries):
            started = time.perf_counter()
            cpu_started = time.process_time()
            WRITERS[file_format](publications, out, progress=rows.append)
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
        out.flush()
        size_bytes = os.fstat(out.fileno()).st_size
    return {
        "format": file_format,
        "rows": rows[-1],
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "rows_per_second": round(rows[-1] / seconds),
        "peak_rss_mb": round(_peak_rss_megabytes(), 1),
        "baseline_rss_mb": round(baseline, 1),
        "queries": queries,
        "chunks": -(-rows[-1] // CHUNK_SIZE),
        "file_mb": round(size_bytes / 1024 / 1024, 1),
    }


def _database_label():
    from django.db import connection

    settings = connection.settings_dict
    return f"{connection.vendor} {Path(str(settings['NAME'])).name}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "json", "xlsx"])
    parser.add_argument("--clean", action="store_true", help="Delete bench rows.")
    parser.add_argument("--measure", nargs=2, metavar=("FORMAT", "SIZE"))
    args = parser.parse_args()
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    _setup()

    if args.measure:
        file_format, size = args.measure
        print(json.dumps(measure(file_format, int(size))))
        return
    if args.clean:
        clean()
        return

    from django.core.management import call_command

    from publications.exports import CHUNK_SIZE

    call_command("migrate", verbosity=0)
    rows = max(args.rows, *args.sizes)
    seconds = seed(rows)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Database: {_database_label()}; chunk size {CHUNK_SIZE}; load {load}.")
    if seconds:
        print(f"Seeded {rows:,} publications in {seconds:.1f} s.")
    results = []
    header = (
        f"{'format':<6} {'rows':>8} {'seconds':>8} {'CPU s':>6} {'rows/s':>8} "
        f"{'peak RSS':>9} {'queries':>8} {'chunks':>7}"
    )
    print(header)
    for file_format in args.formats:
        for size in args.sizes:
            completed = subprocess.run(
                [sys.executable, __file__, "--measure", file_format, str(size)],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(completed.stdout.splitlines()[-1])
            results.append(result)
            print(
                f"{file_format:<6} {result['rows']:>8,} {result['seconds']:>8.2f} "
                f"{result['cpu_seconds']:>6.2f} {result['rows_per_second']:>8,} "
                f"{result['peak_rss_mb']:>6.0f} MB "
                f"{result['queries']:>8} {result['chunks']:>7}"
            )
    output = ROOT / "bench" / "results" / "export.json"
    output.write_text(
        json.dumps({"database": _database_label(), "results": results}, indent=2)
    )
    print(f"Figures saved to {output.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
