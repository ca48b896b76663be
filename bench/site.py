"""Benchmark the public site at 100,000 publications with gunicorn and wrk.

    python bench/site.py [--rows 100000] [--reset] [--quick] [--rounds 3]
                         [--seconds 15] [--connections 32] [--no-load]

Seeds the configured database (see bench/data.py), prints the plans of every
query the public pages send (bench/results/plans.txt), then serves the site
twice with gunicorn and config.settings' production settings (2 x cores
workers): with the page cache off and on (Redis). Each page is loaded with wrk
at 32 connections, once per round, and timed at one connection. A minimal
Django view returning a page of the report page's size, served the same way,
is the yardstick. Figures go to bench/results/site.json.
"""

import argparse
import json
import os
import secrets
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project, not this folder, is what imports resolve against.
sys.path[0] = str(ROOT)
RESULTS = ROOT / "bench" / "results"

from bench import data, load, pages, plans, summary  # noqa: E402

UNCACHED_PORT = 8101
CACHED_PORT = 8102
BARE_PORT = 8103


def django_env(args):
    """Return the environment of the bench settings, page cache off."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "FOLIO_SITE_URL": "http://127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(RESULTS / "static"),
        "DJANGO_CONN_MAX_AGE": str(args.conn_max_age),
        "FOLIO_PAGE_CACHE_SECONDS": "0",
        # wrk is one client asking far past the open data rate limit.
        "FOLIO_OPEN_DATA_REQUESTS_PER_MINUTE": "0",
    }
    env.pop("REDIS_URL", None)
    return env


def setup(args):
    os.environ.update(django_env(args))
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def describe_database():
    from django.db import connection

    from publications.models import Publication

    name = Path(str(connection.settings_dict["NAME"])).name
    total = Publication.objects.count()
    live = Publication.objects.live().count()
    return f"{connection.vendor} {name}: {total:,} publications, {live:,} live"


def run_load(args, urls, minimal_path):
    """Serve the site with the page cache off and on; return the wrk figures.

    Returns (one-connection figures, rounds, figures without a shared cache).
    """
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    base = django_env(args)
    servers = {
        "uncached": load.Server(
            port=UNCACHED_PORT,
            workers=args.workers,
            env={**base, "REDIS_URL": args.redis_url},
            log_path=RESULTS / "gunicorn-uncached.log",
        ),
        "cached": load.Server(
            port=CACHED_PORT,
            workers=args.workers,
            env={
                **base,
                "REDIS_URL": args.redis_url,
                "FOLIO_PAGE_CACHE_SECONDS": "3600",
            },
            log_path=RESULTS / "gunicorn-cached.log",
        ),
    }
    with servers["uncached"] as uncached, servers["cached"] as cached:
        loaded = {"minimal view": uncached.base_url + minimal_path}
        loaded["report (cached)"] = cached.base_url + urls["report"]
        for name in pages.LOADED_PAGES:
            loaded[name] = uncached.base_url + urls[name]
        for url in loaded.values():
            for _ in range(3):
                load.check(url)
        headers, _body = load.check(loaded["report (cached)"])
        if headers.get("X-Cache") != "hit":
            raise RuntimeError("The cached report page is not served from the cache.")
        print(f"\nOne connection, {args.single_seconds} s a page, page cache off:")
        single = time_one_connection(uncached, urls, args)
        single.update(time_cold_combinations(uncached, args))
        rounds = []
        for number in range(1, args.rounds + 1):
            print(f"\nRound {number} of {args.rounds}, {args.connections} connections:")
            figures = {}
            for name, url in loaded.items():
                figures[name] = load.wrk(
                    url, connections=args.connections, seconds=args.seconds
                )
                load.check(url)
                print(
                    f"  {name:<28} {figures[name]['rps']:>8.1f} requests/s",
                    flush=True,
                )
            rounds.append(figures)
    bare = run_bare(args, base, urls, minimal_path)
    return single, rounds, bare


def time_one_connection(server, urls, args):
    single = {}
    for name, path in urls.items():
        single[name] = load.wrk(
            server.base_url + path, connections=1, seconds=args.single_seconds
        )
        print(f"  {name:<28} p50 {single[name]['p50_ms']:>7.1f} ms", flush=True)
    return single


# What the shared cache keeps for one combination of filters: its count, its
# facet options, its ranking and its deep-page anchors (publications.paging,
# publications.forms). Cards, the whole listing's options and the facet
# index are kept per content version, whatever the filters.
COMBINATION_ENTRIES = ("count", "facet-options", "ranked", "anchors")
COLD_NAME = "two filters, cold"
FIRST_VISIT_NAME = "two filters, first visit"
WARM_NAME = "two filters, warm"


def time_cold_combinations(server, args):
    """Time two-filter listings, each a new pair with its own entries cleared.

    One connection, one request at a time, each pair of type and topic
    asked three times: first as a reader first asks it (its items' cards not
    yet rendered either: "first visit"), then again after the entries kept
    for that combination are deleted from Redis (not timed), so the answer
    counts and renders its filters afresh ("cold"), then with everything
    remembered ("warm": what the filters' entries save).
    """
    import redis

    client = redis.Redis.from_url(args.redis_url)
    paths = pages.two_filter_paths(2 if args.quick else pages.COLD_REQUESTS)
    # A first request builds what is kept per content version.
    load.check(server.base_url + paths[0])
    first, cold, warm, failures = [], [], [], 0
    for path in paths:
        for times in (first, cold, warm):
            for entry in COMBINATION_ENTRIES if times is not warm else ():
                keys = list(
                    client.scan_iter(match=f"*folio:data:{entry}:*", count=10_000)
                )
                if keys:
                    client.delete(*keys)
            started = time.perf_counter()
            status, _headers, _body = load.fetch(server.base_url + path)
            times.append((time.perf_counter() - started) * 1000)
            failures += status != 200
    figures = {}
    for name, times in (
        (COLD_NAME, cold),
        (FIRST_VISIT_NAME, first),
        (WARM_NAME, warm),
    ):
        times.sort()
        figures[name] = {
            "requests": len(times),
            "p50_ms": round(statistics.median(times), 2),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
            "errors": 0,
            "non_2xx": failures if name == COLD_NAME else 0,
        }
        print(
            f"  {name:<28} p50 {figures[name]['p50_ms']:>7.1f} ms "
            f"({len(times)} pairs of type and topic)",
            flush=True,
        )
    return figures


def run_bare(args, base, urls, minimal_path):
    """Return figures with no shared cache: every page built from the database.

    Not a target: it shows what the remembered parts (cards, counts, filter
    options, related items, rankings) save, and what a page costs the first
    time after content changes.
    """
    server = load.Server(
        port=BARE_PORT,
        workers=args.workers,
        env=base,
        log_path=RESULTS / "gunicorn-bare.log",
    )
    with server:
        print(f"\nNo shared cache, one connection, {args.single_seconds} s a page:")
        single = time_one_connection(server, urls, args)
        print(f"\nNo shared cache, one round, {args.connections} connections:")
        loaded = {}
        for name in ("minimal view", *pages.LOADED_PAGES):
            path = minimal_path if name == "minimal view" else urls[name]
            loaded[name] = load.wrk(
                server.base_url + path,
                connections=args.connections,
                seconds=args.seconds,
            )
            print(f"  {name:<28} {loaded[name]['rps']:>8.1f} requests/s", flush=True)
    return {"single": single, "loaded": loaded}


def medians(rounds):
    """Return each page's median figures over the rounds, errors summed."""
    result = {}
    for name in rounds[0]:
        runs = [figures[name] for figures in rounds]
        result[name] = {
            key: statistics.median(run[key] for run in runs)
            for key in ("rps", "p50_ms", "p99_ms")
        }
        result[name]["errors"] = sum(run["errors"] for run in runs)
        result[name]["non_2xx"] = sum(run["non_2xx"] for run in runs)
        result[name]["bytes"] = runs[0]["bytes_per_response"]
    minimal = result["minimal view"]["rps"]
    for row in result.values():
        row["ratio"] = round(row["rps"] / minimal, 3) if minimal else None
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reset", action="store_true", help="Seed afresh.")
    parser.add_argument("--quick", action="store_true", help="A short smoke run.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--single-seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        help="A Redis database of its own: the bench flushes it.",
    )
    parser.add_argument("--no-load", action="store_true", help="Seed and plan only.")
    parser.add_argument("--no-plans", action="store_true", help="Skip EXPLAIN.")
    args = parser.parse_args()
    # Stopped from outside, still stop the servers (their context managers).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.rounds, args.seconds, args.single_seconds = 1, 3, 2
    RESULTS.mkdir(exist_ok=True)
    started = time.monotonic()

    setup(args)
    seconds = data.seed(args.rows, out=sys.stdout, reset_first=args.reset)
    if seconds:
        print(f"Seeded {args.rows:,} publications in {seconds:.0f} s.")
    database = describe_database()
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Database: {database}. Load average {load_average}.")
    urls, notes = pages.pick_urls()
    for note in notes:
        print(f"  {note}")

    plan_summary = {}
    if not args.no_plans:
        plan_summary = plans.explain_pages(
            pages.plan_pages(urls), out=RESULTS / "plans.txt"
        )
        summary.print_plans(plan_summary)

    results = {
        "database": database,
        "cores": os.cpu_count(),
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "urls": urls,
        "notes": notes,
        "plans": plan_summary,
    }
    if not args.no_load:
        from django.test import Client

        report_size = len(Client().get(urls["report"]).content)
        minimal_path = f"/bench/minimal/{report_size}/"
        single, rounds, bare = run_load(args, urls, minimal_path)
        table = medians(rounds)
        results.update(single=single, rounds=rounds, medians=table, bare=bare)
        results["targets"] = summary.check(table, single)
        summary.print_table(table, single, results["targets"])
        summary.print_bare(bare)
    output = RESULTS / "site.json"
    output.write_text(json.dumps(results, indent=2, default=str))
    minutes = (time.monotonic() - started) / 60
    print(f"\nFigures saved to {output.relative_to(ROOT)} ({minutes:.1f} min).")


if __name__ == "__main__":
    main()
