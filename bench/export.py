"""Benchmark the publication exports: rows per second and peak memory.

    python bench/export.py [--sizes 10000 100000] [--formats csv json]
                           [--paths python copy stream psql] [--rounds 3]
                           [--seed]

Reads the site benchmark's publications (bench/data.py, slugs "site-...",
as `make bench` seeds them) from the configured database and never writes
to it; --seed seeds them first when they are missing. Each size is the
newest N of them, exported as the command does (every status, newest
first) by each path, each run in a fresh process so that its peak resident
set size is its own:

- python: the Python writers (what SQLite uses);
- copy: exports_postgres writing to a file, as export_publications does;
- stream: exports_postgres streamed through its worker thread, as the
  admin's download is;
- psql: psql running the very COPY statement of the copy path, to a file:
  the database's own speed, with no Python at all.

Rounds are interleaved and the medians printed (the figures of a busy
machine move a lot from run to run); every run goes to
bench/results/export.json.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# Production conditions: no query log kept in memory.
os.environ.setdefault("DJANGO_DEBUG", "false")

PATHS = ("python", "copy", "stream", "psql")


def _peak_rss_megabytes(who=resource.RUSAGE_SELF):
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(who).ru_maxrss / 1024


def _publications(size):
    """Return the newest *size* bench publications as the command lists them."""
    from bench.data import PREFIX
    from publications.filters import ALL_STATES, publications_in_status

    publications = publications_in_status(ALL_STATES).filter(slug__startswith=PREFIX)
    cut = publications.newest_first().values_list("publish_at", "pk")[size - 1]
    return publications.filter(publish_at__gte=cut[0]).newest_first()


def _server_cpu_seconds():
    """Return the CPU time of this connection's server process, if it is local."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(path, file_format, size):
    """Export *size* publications in *file_format* by *path*; return figures."""
    from django.db import connection

    from publications import exports, exports_postgres

    publications = _publications(size)
    rows = publications.count()
    baseline = _peak_rss_megabytes()
    if path == "psql":
        return _measure_psql(publications, file_format, rows)
    if path == "python":
        exports_postgres.can_export = lambda publications: False
    else:
        # COPY at any size here, to compare it with Python below MIN_ROWS too.
        exports_postgres.MIN_ROWS = 0
    if path != "python" and not exports_postgres.can_export(publications):
        raise SystemExit(f"The {path} path needs PostgreSQL.")
    server_started = _server_cpu_seconds()
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="") as out:
        started = time.perf_counter()
        cpu_started = time.process_time()
        if path == "stream":
            iterate = {
                "csv": exports.iter_publications_csv,
                "json": exports.iter_publications_json,
            }[file_format]
            for piece in iterate(publications, byte_order_mark=file_format == "csv"):
                out.write(piece)
        else:
            options = {"byte_order_mark": True} if file_format == "csv" else {}
            exports.WRITERS[file_format](publications, out, **options)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        out.flush()
        size_bytes = os.fstat(out.fileno()).st_size
    server = _server_cpu_seconds()
    connection.close()
    return {
        "path": path,
        "format": file_format,
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds),
        "cpu_seconds": round(cpu_seconds, 3),
        "server_cpu_seconds": None
        if server is None or server_started is None
        else round(server - server_started, 2),
        "peak_rss_mb": round(_peak_rss_megabytes(), 1),
        "baseline_rss_mb": round(baseline, 1),
        "file_mb": round(size_bytes / 1024 / 1024, 1),
    }


def _measure_psql(publications, file_format, rows):
    """Run the copy path's COPY statement with psql, output to a file."""
    from django.db import connection

    from publications.exports_postgres import _PLANNER_SETTINGS, _copy_statement

    if connection.vendor != "postgresql" or not shutil.which("psql"):
        raise SystemExit("The psql path needs PostgreSQL and psql.")
    statement = _copy_statement(publications, file_format)
    settings = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": settings["HOST"] or "",
        "PGPORT": str(settings["PORT"] or ""),
        "PGUSER": settings["USER"] or "",
        "PGPASSWORD": settings["PASSWORD"] or "",
        "PGDATABASE": settings["NAME"],
        # The planner settings the copy path gives its statement.
        "PGOPTIONS": " ".join(
            f"-c {name}={value}" for name, value in _PLANNER_SETTINGS.items()
        ),
    }
    connection.close()
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", statement],
            stdout=out,
            env=env,
        )
        peak_kilobytes = 0
        while True:
            # The peak of psql itself: a child's ru_maxrss would count the
            # memory of this process, which it shared until exec().
            peak_kilobytes = max(peak_kilobytes, _high_water_mark(process.pid))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        if status:
            raise SystemExit(f"psql failed with status {status}.")
        size_bytes = os.fstat(out.fileno()).st_size
    return {
        "path": "psql",
        "format": file_format,
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "server_cpu_seconds": None,
        "peak_rss_mb": round(peak_kilobytes / 1024, 1),
        "baseline_rss_mb": None,
        "file_mb": round(size_bytes / 1024 / 1024, 1),
    }


def _high_water_mark(pid):
    """Return VmHWM of process *pid* in kilobytes, or 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _database_label():
    from django.db import connection

    return f"{connection.vendor} {Path(str(connection.settings_dict['NAME'])).name}"


def _median(results, key):
    values = [result[key] for result in results if result[key] is not None]
    return statistics.median(values) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["csv"])
    parser.add_argument("--paths", nargs="+", choices=PATHS, default=list(PATHS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--seed", action="store_true", help="Seed the bench rows if missing."
    )
    parser.add_argument("--measure", nargs=3, metavar=("PATH", "FORMAT", "SIZE"))
    args = parser.parse_args()

    import django

    django.setup()
    if args.measure:
        path, file_format, size = args.measure
        print(json.dumps(measure(path, file_format, int(size))))
        return

    from django.db import connection

    from bench import data

    paths = list(args.paths)
    if connection.vendor != "postgresql":
        paths = ["python"]
    available = data.existing_rows()
    if available < max(args.sizes):
        if not args.seed:
            raise SystemExit(
                f"{_database_label()} holds {available:,} bench publications: "
                "run `make bench` first, or this with --seed."
            )
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        data.seed(max(args.sizes, default=0), out=sys.stdout)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Database: {_database_label()}; load {load}; {args.rounds} rounds.")
    results = []
    for round_number in range(args.rounds):
        for file_format in args.formats:
            for size in args.sizes:
                for path in paths:
                    completed = subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--measure",
                            path,
                            file_format,
                            str(size),
                        ],
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    result = json.loads(completed.stdout.splitlines()[-1])
                    result["round"] = round_number + 1
                    result["size"] = size
                    results.append(result)
                    print(
                        f"  round {round_number + 1}: {path:<6} {file_format:<4} "
                        f"{result['rows']:>8,} rows {result['seconds']:>7.2f} s",
                        flush=True,
                    )
    print(
        f"{'path':<6} {'format':<6} {'rows':>8} {'seconds':>8} {'rows/s':>8} "
        f"{'CPU s':>6} {'server CPU s':>12} {'peak RSS':>9}   (medians)"
    )
    for file_format in args.formats:
        for size in args.sizes:
            for path in paths:
                runs = [
                    r
                    for r in results
                    if (r["path"], r["format"], r["size"]) == (path, file_format, size)
                ]
                server = _median(runs, "server_cpu_seconds")
                print(
                    f"{path:<6} {file_format:<6} {runs[0]['rows']:>8,} "
                    f"{_median(runs, 'seconds'):>8.2f} "
                    f"{_median(runs, 'rows_per_second'):>8,.0f} "
                    f"{_median(runs, 'cpu_seconds'):>6.2f} "
                    f"{'' if server is None else f'{server:.2f}':>12} "
                    f"{_median(runs, 'peak_rss_mb'):>6.0f} MB"
                )
    output = ROOT / "bench" / "results" / "export.json"
    output.write_text(
        json.dumps({"database": _database_label(), "results": results}, indent=2)
    )
    print(f"Figures saved to {output.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
