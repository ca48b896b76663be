"""Profile public pages with nothing cached: what a page costs from scratch.

    python bench/cold.py [--pages 20] [--same-worker] [--profile NAME]
                         [--profile-sort tottime] [--profile-filter REGEX]
                         [--queries NAME]
                         [--sql-chars 300]

In one process, with the production settings, no Redis and a cache that
keeps nothing (DummyCache): each request then builds everything it shows,
as it would after Redis is flushed, and the in-process entries are dropped
before each request, as in a fresh worker (--same-worker keeps them, as a
worker does after its first request until content changes). Different
pages of each kind (reports, topic listings, author pages, searches,
single-filter listings) are timed, medians printed. The facet index, which
each process builds once and then keeps current from the change queue, and
stored related items and cards, which the drain keeps current, are not
caches: they are kept (the first request of each kind pays for the index,
and is not counted). --profile prints
cProfile's top functions for one kind, --queries its SQL with times
(--sql-chars 0: whole statements, to EXPLAIN them).
"""

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

SEARCHES = (
    "Sudan water",
    "election",
    "mediation ceasefire",
    "climate",
    "youth",
    "border trade",
)


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ.setdefault("FOLIO_SITE_URL", "http://127.0.0.1")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ["FOLIO_PAGE_CACHE_SECONDS"] = "0"
    # Collected by bench/site.py.
    os.environ.setdefault("DJANGO_STATIC_ROOT", str(ROOT / "bench/results/static"))
    os.environ.pop("REDIS_URL", None)
    import django
    from django.conf import settings

    django.setup()
    settings.CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    }


def sample_paths(count):
    """Return {kind: [paths]}: *count* different pages of each kind."""
    import random

    from taggit.models import Tag

    from authors.models import Author
    from publications.models import Publication, PublicationType, Report

    rng = random.Random(5)
    live = Publication.objects.live()
    reports = list(
        Report.objects.live().order_by("?").values_list("slug", flat=True)[:count]
    )
    tags = list(
        Tag.objects.filter(publication__in=live)
        .distinct()
        .values_list("slug", flat=True)[:500]
    )
    authors = list(
        Author.objects.filter(publications__in=live)
        .distinct()
        .values_list("slug", flat=True)[:2000]
    )
    types = list(PublicationType.objects.values_list("slug", flat=True))
    return {
        "report": [f"/publications/{slug}/" for slug in reports],
        "topic page": [f"/topics/{slug}/" for slug in rng.sample(tags, count)],
        "listing by topic": [
            f"/publications/?topic={slug}&page={rng.randint(1, 3)}"
            for slug in rng.sample(tags, count)
        ],
        "listing by type": [
            f"/publications/?type={rng.choice(types)}&page={rng.randint(1, 50)}"
            for _ in range(count)
        ],
        "author page": [f"/authors/{slug}/" for slug in rng.sample(authors, count)],
        "search": [
            f"/publications/?q={SEARCHES[index % len(SEARCHES)].replace(' ', '+')}"
            for index in range(count)
        ],
    }


def fetch(client, path, *, fresh_worker=True):
    from publications.caching import forget_in_process

    if fresh_worker:
        forget_in_process()
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--profile", help="A kind of page to profile.")
    parser.add_argument("--queries", help="A kind of page whose SQL to print.")
    parser.add_argument(
        "--sql-chars",
        type=int,
        default=300,
        help="With --queries: print this much of each statement (0: all of it).",
    )
    parser.add_argument(
        "--profile-sort",
        default="cumulative",
        choices=["cumulative", "tottime"],
        help="With --profile: order functions by time including or excluding calls.",
    )
    parser.add_argument(
        "--profile-filter",
        default="",
        metavar="REGEX",
        help="With --profile: only functions whose file and name match, such as "
        "'folio|publications|core'.",
    )
    parser.add_argument(
        "--same-worker",
        action="store_true",
        help="Keep what a worker keeps for the whole site (the listing's options"
        " and the topic, author and series indexes) from one request to the"
        " next, until content changes; by default each request drops them,"
        " as if it were a fresh worker's first.",
    )
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    paths = sample_paths(args.pages)
    from publications.derived.related import stored_related_ids
    from publications.facets import FacetIndex
    from publications.models import Publication

    # Ranked once per item (update_related_items ranks them all): here only
    # the sampled reports', before they are timed.
    started = time.perf_counter()
    for path in paths["report"]:
        slug = path.strip("/").split("/")[-1]
        stored_related_ids(Publication.objects.get(slug=slug))
    seconds = time.perf_counter() - started
    print(f"Related items of {len(paths['report'])} reports ranked in {seconds:.1f} s")
    # Stored as each item changes (the drain) or by update_related_items:
    # none are missing on a seeded bench database.
    from publications.cards import store_missing_cards

    started = time.perf_counter()
    stored = store_missing_cards()
    seconds = time.perf_counter() - started
    print(f"Cards of {stored} live items stored in {seconds:.1f} s")
    started = time.perf_counter()
    FacetIndex.build()
    print(f"Facet index built from scratch in {time.perf_counter() - started:.2f} s")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    worker = "one worker" if args.same_worker else "each a fresh worker's first"
    print(f"Nothing cached, one request at a time, {worker}; load average {load}.")
    for kind, kind_paths in paths.items():
        fetch(client, kind_paths[0])  # imports, templates compiled
        times, queries = [], []
        for path in kind_paths:
            with CaptureQueriesContext(connection) as captured:
                times.append(fetch(client, path, fresh_worker=not args.same_worker))
            queries.append(len(captured))
        print(
            f"  {kind:<18} p50 {statistics.median(times):7.1f} ms"
            f"  max {max(times):7.1f} ms  queries {min(queries)}-{max(queries)}",
            flush=True,
        )
        if kind == args.queries:
            with CaptureQueriesContext(connection) as captured:
                fetch(client, kind_paths[-1], fresh_worker=not args.same_worker)
            for query in captured:
                sql = query["sql"][: args.sql_chars or None]
                print(f"    {query['time']:>6} s  {sql}")
        if kind == args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for path in kind_paths[:5]:
                fetch(client, path, fresh_worker=not args.same_worker)
            profile.disable()
            pstats.Stats(profile).sort_stats(args.profile_sort).print_stats(
                args.profile_filter, 40
            )


if __name__ == "__main__":
    main()
