"""Time search pages rebuilt right after a live edit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/folio_perf \\
        python bench/search_after_edit.py [--saves 4]

On `make bench`'s data, in one process with Redis (REDIS_URL, default the
bench's own database /9, which it empties): three searches are read, the
newest live report's title is saved, and each search is read again, --saves
times; once with a search's matches and ranking brought up to date from
the changed items, once with them built afresh (as before
publications.caching.entries.remember_updating), interleaved twice. Each
page read after a save is a page-cache miss. The report's title is put
back at the end.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

SEARCHES = (
    "/publications/?q=Sudan+water",
    "/publications/?q=water",
    "/publications/?q=ceasefire+monitoring",
)
UP_TO_DATE = "brought up to date"
AFRESH = "built afresh"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from publications.caching import entries, forget_in_process
    from publications.models import Report

    cache.clear()
    forget_in_process()
    client = Client()
    report = Report.objects.live().order_by("-publish_at", "-pk").first()
    original = report.title
    kept_changes = entries.MOST_CHANGED_KEYS
    times = {UP_TO_DATE: [], AFRESH: []}
    try:
        for mode in (UP_TO_DATE, AFRESH, UP_TO_DATE, AFRESH):
            # Past -1 changed keys every remembered part is built afresh.
            entries.MOST_CHANGED_KEYS = kept_changes if mode == UP_TO_DATE else -1
            for path in SEARCHES:
                client.get(path)
            for save in range(args.saves):
                report.title = f"{original} ({save})"
                report.save()
                for path in SEARCHES:
                    started = time.perf_counter()
                    response = client.get(path)
                    times[mode].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, path
                    assert response["X-Cache"] == "miss", path
    finally:
        entries.MOST_CHANGED_KEYS = kept_changes
        report.title = original
        report.save()
        cache.clear()
    for mode, found in times.items():
        print(
            f"{mode:>20}: median {statistics.median(found):7.1f} ms, "
            f"max {max(found):7.1f} ms ({len(found)} pages)"
        )


if __name__ == "__main__":
    main()
