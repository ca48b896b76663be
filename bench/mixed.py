"""Benchmark Folio under a mix of many pages, with and without an editor at work.

    python bench/mixed.py [--rounds 3] [--seconds 20] [--connections 32]
                          [--workers 4] [--reports 5000] [--topic-pages 3800]
                          [--searches 30] [--varnish]

Real traffic is thousands of different pages, most in no cache. The mix
draws, from the seeded data (bench/data.py, `make bench` seeds it),
--reports report pages, --topic-pages topic listing pages and --searches
searches, each chosen with Zipf weights, into one list of paths that wrk
requests in turn. Six runs make a round, and the rounds are interleaved,
the load average read before each run:

- bare Django: startproject's middleware and a 25 KB template, no database
  (bench/bare), served by the same gunicorn settings;
- nginx serving the report page saved as a file;
- Folio's minimal view (/bench/minimal/<size>/, Folio's middleware);
- Folio, the mix, Redis on (flushed before the first round);
- Folio, the mix, with an editor (bench/editor.py) saving a draft every
  2 s and a live report every 10 s through the ORM, signals and all;
- the same with no Redis: another gunicorn of the same site whose shared
  cache is the database's table, as on an install that configures none.

With --varnish, varnishd (deploy/varnish/folio.vcl, bench/varnish.py) runs
in front of the same Folio gunicorn, which, like the editor, purges it
(FOLIO_PURGE_BACKEND=varnish, FOLIO_VARNISH_URLS), with `manage.py
run_purger` beside them; three more runs a round:

- Varnish, the newest report page alone (the cached page);
- Varnish, the mix;
- Varnish, the mix, with the editor at work.

Varnish keeps a page for its s-maxage (FOLIO_HTTP_CACHE_SECONDS, 300 s).
Under the mix's own traffic every page of it would be fetched again as it
expires, but between a round's Varnish runs nothing reads through Varnish
for minutes, so each Varnish mix run starts with one pass over the mix's
distinct pages (the state steady traffic keeps, not a cold start; its
length is printed). --warm SECONDS first requests the mix's pages once, for
at most that long, through each server whose caches the runs read: Varnish
(and so Folio's Redis) or Folio, and the server without Redis, whose
database table would otherwise start the rounds colder than Redis does.

In each run with the editor, a checker reads what the editor changed (its
EDITOR_LIVE lines: the live report's new title and when it committed) and
fetches that page from the run's server about a second after each commit:
a page without the new title is a stale read.

Prints the medians with each run's ratio to bare Django and writes
bench/results/mixed.json. Figures from a busy machine are provisional:
compare the ratios, which interleaving keeps fair.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
RESULTS = ROOT / "bench" / "results"

from bench import load, site  # noqa: E402
from bench.stale_reads import StaleReadChecker  # noqa: E402
from bench.varnish import Process, Varnish, free_port, wait_for  # noqa: E402

FOLIO_PORT = 8111
BARE_PORT = 8112
NGINX_PORT = 8113
REDIS_PORT = 8114
COMPARE_PORT = 8115
NO_REDIS_PORT = 8116
ZIPF_EXPONENT = 1.0
# Shares of the mix: report pages, topic listings, searches.
MIX = {"report": 0.70, "topic listing": 0.27, "search": 0.03}
SEARCH_WORDS = (
    "water",
    "Sudan",
    "election",
    "mediation",
    "ceasefire",
    "climate",
    "youth",
    "border",
    "trade",
    "refugees",
)
RUNS = (
    "bare Django",
    "nginx, report file",
    "Folio minimal view",
    "Folio mix",
    "Folio mix, editor at work",
    "Folio mix, no Redis, editor at work",
)
VARNISH_RUNS = (
    "Varnish, report page",
    "Varnish mix",
    "Varnish mix, editor at work",
)


def mixed_paths(args):
    """Return (paths in request order, {kind: distinct paths}) from the data."""
    from django.db.models import Count

    from publications.models import Publication, Report, TaggedPublication
    from publications.views import LIST_PAGE_SIZE

    rng = random.Random(20261201)
    live = Publication.objects.live()
    reports = [
        report.get_absolute_url()
        for report in Report.objects.live()
        .order_by("-publish_at", "-pk")
        .only("slug")[: args.reports]
    ]
    topics = list(
        TaggedPublication.objects.filter(content_object__in=live)
        .values("tag__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "tag__slug")
        .values_list("tag__slug", "count")
    )
    # Each topic's pages, most used topics first, the first pages first.
    listings = []
    depth = 1
    while len(listings) < args.topic_pages and depth < 10_000:
        for slug, count in topics:
            if depth <= -(-count // LIST_PAGE_SIZE):
                page = "" if depth == 1 else f"?page={depth}"
                listings.append(f"/topics/{slug}/{page}")
        depth += 1
    listings = listings[: args.topic_pages]
    searches = []
    while len(searches) < args.searches:
        words = rng.sample(SEARCH_WORDS, rng.choice((1, 2)))
        query = "+".join(words)
        if f"/publications/?q={query}" not in searches:
            searches.append(f"/publications/?q={query}")
    kinds = {"report": reports, "topic listing": listings, "search": searches}
    weights = {kind: _zipf(len(paths)) for kind, paths in kinds.items()}
    order = []
    for _ in range(args.requests):
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        order.append(rng.choices(kinds[kind], cum_weights=weights[kind])[0])
    return order, kinds


def _zipf(count):
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += rank**-ZIPF_EXPONENT
        cumulative.append(total)
    return cumulative


class Nginx:
    """nginx serving one saved HTML file at every path, on *port*."""

    def __init__(self, *, port, html):
        self.port = port
        self.html = html
        self.process = None
        self.folder = None

    def __enter__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="folio-bench-nginx-"))
        # nginx's workers may run as another user (nobody, when started as root).
        self.folder.chmod(0o755)
        (self.folder / "page.html").write_bytes(self.html)
        config = self.folder / "nginx.conf"
        config.write_text(
            "daemon off; worker_processes 2; pid nginx.pid;\n"
            "error_log error.log;\n"
            "events { worker_connections 1024; }\n"
            "http { access_log off; default_type text/html;\n"
            "client_body_temp_path tmp; proxy_temp_path tmp;\n"
            "fastcgi_temp_path tmp; uwsgi_temp_path tmp; scgi_temp_path tmp;\n"
            f"server {{ listen 127.0.0.1:{self.port}; root {self.folder};\n"
            "location / { try_files /page.html =404; } } }\n"
        )
        (self.folder / "tmp").mkdir()
        self.process = subprocess.Popen(
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-p",
                str(self.folder),
                "-c",
                str(config),
            ],
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if load.fetch(f"http://127.0.0.1:{self.port}/")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("nginx did not answer")

    def __exit__(self, *exc_info):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis:
    """A redis-server of the bench's own, on *port*, keeping nothing on disk."""

    def __init__(self, *, port):
        self.port = port
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory",
                "512mb",
                "--maxmemory-policy",
                "allkeys-lru",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(0.5)
        return self

    def __exit__(self, *exc_info):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class Editor:
    """bench/editor.py running for the length of a `with` block; each live
    change it logs goes to *checker* as it comes."""

    def __init__(self, env, checker=None):
        self.env = env
        self.checker = checker
        self.process = None
        self.reader = None
        self.figures = None
        # Held while a change is checked; once the run is over no new check
        # starts, so none reads the page after the editor puts it back.
        self.checking = threading.Lock()
        self.stopping = False

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "editor.py")],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        return self

    def _read(self):
        for line in self.process.stdout:
            if line.startswith("EDITOR_JSON "):
                self.figures = json.loads(line.removeprefix("EDITOR_JSON "))
            elif line.startswith("EDITOR_LIVE ") and self.checker is not None:
                with self.checking:
                    if not self.stopping:
                        change = json.loads(line.removeprefix("EDITOR_LIVE "))
                        self.checker.check(change)

    def __exit__(self, *exc_info):
        with self.checking:
            self.stopping = True
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.reader.join(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument("--reports", type=int, default=5_000)
    parser.add_argument("--topic-pages", type=int, default=3_800)
    parser.add_argument("--searches", type=int, default=30)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="A short smoke run.")
    parser.add_argument(
        "--compare",
        type=Path,
        help="Another Folio checkout (such as main) whose mix runs interleaved.",
    )
    parser.add_argument(
        "--varnish",
        action="store_true",
        help="Also the mix through varnishd in front of Folio, purged by it.",
    )
    parser.add_argument(
        "--warm",
        type=int,
        default=0,
        metavar="SECONDS",
        help="First request the mix's distinct pages once, for at most this "
        "long, through Varnish (else Folio) and the server without Redis.",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="Only bare Django, nginx and Folio's minimal view (and --compare's).",
    )
    args = parser.parse_args()
    runs = RUNS[:3] if args.floor else RUNS
    if args.compare:
        compared = RUNS[2:3] if args.floor else RUNS[2:5]
        runs = (*runs, *(f"{name} ({args.compare.name})" for name in compared))
    if args.varnish and not args.floor:
        runs = (*runs, *VARNISH_RUNS)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.rounds, args.seconds = 1, 5
    RESULTS.mkdir(exist_ok=True)
    site.setup(args)
    order, kinds = mixed_paths(args)
    paths_file = RESULTS / "mixed-paths.txt"
    paths_file.write_text("\n".join(order) + "\n")
    print(
        f"Mix: {len(kinds['report']):,} report pages, "
        f"{len(kinds['topic listing']):,} topic listing pages, "
        f"{len(kinds['search'])} searches (Zipf); {len(order):,} requests listed."
    )
    base = site.django_env(args)
    base.pop("FOLIO_PAGE_CACHE_SECONDS")
    rows = {name: [] for name in runs}
    editors = []
    varnish_port = free_port()
    with Redis(port=REDIS_PORT) as redis_server:
        folio_env = {**base, "REDIS_URL": redis_server.url}
        if args.varnish:
            # Folio's gunicorn and the editor purge what they change.
            folio_env["FOLIO_PURGE_BACKEND"] = "varnish"
            folio_env["FOLIO_VARNISH_URLS"] = f"http://127.0.0.1:{varnish_port}"
        folio = load.Server(
            port=FOLIO_PORT,
            workers=args.workers,
            env=folio_env,
            log_path=RESULTS / "gunicorn-mixed.log",
        )
        bare = load.Server(
            port=BARE_PORT,
            workers=args.workers,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"},
            log_path=RESULTS / "gunicorn-bare-django.log",
            app="bench.bare.wsgi",
        )
        # The same site with no Redis: the shared cache is a table of its
        # database, as on an install that configures none.
        no_redis = load.Server(
            port=NO_REDIS_PORT,
            workers=args.workers,
            env={
                key: value
                for key, value in folio_env.items()
                if key not in ("REDIS_URL", "FOLIO_PURGE_BACKEND")
            },
            log_path=RESULTS / "gunicorn-mixed-no-redis.log",
        )
        other = _other_server(args, folio_env)
        varnish, purger = _Nothing(), _Nothing()
        if args.varnish:
            varnish = Varnish(
                port=varnish_port,
                backend=f"127.0.0.1:{FOLIO_PORT}",
                env=folio_env,
                memory="512m",
                log_path=RESULTS / "varnishd-mixed.log",
            )
            purger = Process(
                [sys.executable, "manage.py", "run_purger"],
                env=folio_env,
                log_path=RESULTS / "purger-mixed.log",
            )
        with folio, no_redis, bare, other, varnish, purger:
            _, report_html = load.check(folio.base_url + kinds["report"][0])
            minimal = f"/bench/minimal/{len(report_html)}/"
            with Nginx(port=NGINX_PORT, html=report_html) as nginx:
                targets = {
                    "bare Django": (bare.base_url + "/", None),
                    "nginx, report file": (f"http://127.0.0.1:{nginx.port}/", None),
                    "Folio minimal view": (folio.base_url + minimal, None),
                    "Folio mix": (folio.base_url + "/", paths_file),
                    "Folio mix, editor at work": (folio.base_url + "/", paths_file),
                    "Folio mix, no Redis, editor at work": (
                        no_redis.base_url + "/",
                        paths_file,
                    ),
                }
                if args.varnish:
                    wait_for(varnish.base_url + kinds["report"][0])
                    targets["Varnish, report page"] = (
                        varnish.base_url + kinds["report"][0],
                        None,
                    )
                    targets["Varnish mix"] = (varnish.base_url + "/", paths_file)
                    targets["Varnish mix, editor at work"] = (
                        varnish.base_url + "/",
                        paths_file,
                    )
                if args.warm and not args.floor:
                    if args.varnish:
                        _warm(varnish.base_url, "Varnish and Redis", order, args)
                    else:
                        _warm(folio.base_url, "Redis", order, args)
                    _warm(no_redis.base_url, "the database's cache", order, args)
                if args.compare:
                    name = args.compare.name
                    targets[f"Folio minimal view ({name})"] = (
                        other.base_url + minimal,
                        None,
                    )
                    for run in ("Folio mix", "Folio mix, editor at work"):
                        targets[f"{run} ({name})"] = (other.base_url + "/", paths_file)
                for number in range(1, args.rounds + 1):
                    print(f"\nRound {number} of {args.rounds}:", flush=True)
                    for name in runs:
                        url, paths = targets[name]
                        for server in (folio, no_redis, other):
                            if isinstance(server, load.Server):
                                _settle(server.base_url + "/healthz")
                        if name.startswith("Varnish mix"):
                            _refill(varnish, order, args)
                        load_average = os.getloadavg()[0]
                        if "editor at work" in name:
                            # Read through the run's own server (Varnish or
                            # gunicorn), as the readers do.
                            checker = StaleReadChecker(url.removesuffix("/"))
                            with Editor(folio_env, checker) as editor:
                                figures = _run(url, paths, args)
                            editors.append(
                                {"run": name, **(editor.figures or {})}
                                | {"reads": checker.reads}
                            )
                            figures["stale_reads"] = checker.stale
                            figures["stale_checks"] = len(checker.reads)
                        else:
                            figures = _run(url, paths, args)
                        figures["load_average"] = round(load_average, 2)
                        rows[name].append(figures)
                        stale = ""
                        if "stale_reads" in figures:
                            stale = (
                                f"stale {figures['stale_reads']}"
                                f"/{figures['stale_checks']}  "
                            )
                        print(
                            f"  {name:<28} {figures['rps']:>8.1f} req/s  "
                            f"p50 {figures['p50_ms']:>7.1f} ms  "
                            f"p99 {figures['p99_ms']:>7.1f} ms  "
                            f"errors {figures['errors'] + figures['non_2xx']}  "
                            f"{stale}(load {load_average:.1f})",
                            flush=True,
                        )
    table = _medians(rows)
    _print_table(table, args)
    output = RESULTS / "mixed.json"
    output.write_text(
        json.dumps(
            {
                "cores": os.cpu_count(),
                "workers": args.workers,
                "connections": args.connections,
                "seconds": args.seconds,
                "rounds": args.rounds,
                "mix": {kind: len(paths) for kind, paths in kinds.items()},
                "shares": MIX,
                "runs": rows,
                "medians": table,
                "editor": editors,
                "varnish": args.varnish,
            },
            indent=2,
        )
    )
    print(f"\nFigures saved to {output.relative_to(ROOT)}.")


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        pass


def _other_server(args, env):
    """Return the gunicorn of the --compare checkout (or a stand-in)."""
    if not args.compare:
        return _Nothing()
    server = load.Server(
        port=COMPARE_PORT,
        workers=args.workers,
        env={
            **env,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(args.compare),
            # A Redis database of its own: two versions of Folio must not
            # read each other's entries.
            "REDIS_URL": env["REDIS_URL"].rsplit("/", 1)[0] + "/1",
        },
        log_path=RESULTS / "gunicorn-mixed-compare.log",
    )
    server.root = args.compare.resolve()
    return server


def _warm(base_url, caches, order, args):
    """Request each page of the mix once from *base_url*, the most requested
    first, for at most --warm seconds, at one connection per worker."""
    distinct = list(dict.fromkeys(order))
    warm_file = RESULTS / "mixed-warm-paths.txt"
    warm_file.write_text("\n".join(distinct) + "\n")
    # wrk_paths.lua starts each thread 7919 paths on: one thread goes in order.
    figures = load.wrk(
        base_url + "/",
        connections=args.workers,
        seconds=args.warm,
        threads=1,
        paths_file=warm_file,
    )
    print(
        f"Warmed {caches}: {figures['requests']:,} requests of "
        f"{len(distinct):,} distinct pages in {args.warm} s.",
        flush=True,
    )


def _refill(varnish, order, args):
    """Fetch each distinct page of the mix once through Varnish, at one
    connection per worker: what expired since the last run is fetched."""
    distinct = list(dict.fromkeys(order))
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        statuses = collections.Counter(
            pool.map(lambda path: load.fetch(varnish.base_url + path)[0], distinct)
        )
    print(
        f"  (refilled Varnish: {len(distinct):,} pages in "
        f"{time.monotonic() - started:.1f} s, statuses {dict(statuses)})",
        flush=True,
    )


def _settle(url, *, seconds=30):
    """Wait until *url* answers within half a second: the last run's backlog
    is served, so it does not count against the next."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            load.fetch(url)
        except OSError:
            pass
        if time.monotonic() - started < 0.5:
            return
        time.sleep(1)


def _run(url, paths, args):
    return load.wrk(
        url, connections=args.connections, seconds=args.seconds, paths_file=paths
    )


def _medians(rows):
    table = {}
    for name, runs in rows.items():
        table[name] = {
            key: statistics.median(run[key] for run in runs)
            for key in ("rps", "p50_ms", "p99_ms", "load_average")
        }
        requests = sum(run["requests"] for run in runs)
        failed = sum(run["errors"] + run["non_2xx"] for run in runs)
        table[name]["failed"] = failed
        table[name]["failed_share"] = round(failed / max(requests, 1), 4)
        if any("stale_reads" in run for run in runs):
            table[name]["stale_reads"] = sum(run["stale_reads"] for run in runs)
            table[name]["stale_checks"] = sum(run["stale_checks"] for run in runs)
    bare = table["bare Django"]["rps"]
    for row in table.values():
        row["ratio"] = round(row["rps"] / bare, 3) if bare else None
    return table


def _print_table(table, args):
    print(
        f"\nMedians of {args.rounds} interleaved rounds, {args.connections} "
        f"connections, {args.workers} gunicorn workers:"
    )
    print(
        f"{'run':<28} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'failed':>7} {'stale':>7} {'load':>5}"
    )
    for name, row in table.items():
        stale = "-"
        if "stale_reads" in row:
            stale = f"{row['stale_reads']}/{row['stale_checks']}"
        print(
            f"{name:<28} {row['rps']:>8.1f} {row['ratio']:>6.2f} "
            f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} "
            f"{row['failed_share']:>7.1%} {stale:>7} {row['load_average']:>5.1f}"
        )


if __name__ == "__main__":
    main()
