"""An editor at work, for bench/mixed.py: saves through the ORM, with signals.

    python bench/editor.py --draft-every 2 --live-every 10 [--seconds 60]

Every --draft-every seconds it saves a draft (its title changed), every
--live-every seconds a live report (its title and teaser changed, with a
counter): each save runs in a transaction with every receiver, as the
admin's would, so the live one moves the content version on and queues the
change. After each live save commits it prints a line
`EDITOR_LIVE {"path", "title", "old_title", "committed_at"}` (a Unix
time), for the checker of stale reads in bench/mixed.py. It stops on
SIGTERM, putting back what it changed, and prints how many saves it made
and how long they took.
"""

import argparse
import json
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

_stop = []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draft-every", type=float, default=2.0)
    parser.add_argument("--live-every", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=3600.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: _stop.append(True))
    import django

    django.setup()
    from publications.models import Publication, Report

    draft = Publication.objects.drafts().order_by("-pk").first()
    live = Report.objects.live().order_by("-publish_at", "-pk").first()
    originals = {"draft": draft.title, "live": live.teaser, "title": live.title}
    saves = {"draft": [], "live": []}
    started = time.monotonic()
    next_draft = next_live = started
    try:
        while not _stop and time.monotonic() - started < args.seconds:
            now = time.monotonic()
            if now >= next_draft:
                draft.title = f"{originals['draft']} (edited {len(saves['draft'])})"
                saves["draft"].append(_timed(draft.save))
                next_draft += args.draft_every
            if now >= next_live:
                count = len(saves["live"])
                old_title = live.title
                live.title = f"{originals['title']} (revision {count})"
                live.teaser = f"{originals['live']} Updated {count}."
                saves["live"].append(_timed(live.save))
                _log_live(live, old_title)
                next_live += args.live_every
            time.sleep(max(0.0, min(next_draft, next_live) - time.monotonic()))
    finally:
        draft.title = originals["draft"]
        draft.save()
        live.title = originals["title"]
        live.teaser = originals["live"]
        live.save()
    print(
        "EDITOR_JSON "
        + json.dumps(
            {
                kind: {
                    "saves": len(times),
                    "median_ms": round(statistics.median(times), 1) if times else None,
                }
                for kind, times in saves.items()
            }
        ),
        flush=True,
    )


def _log_live(report, old_title):
    record = {
        "path": report.get_absolute_url(),
        "title": report.title,
        "old_title": old_title,
        "committed_at": time.time(),
    }
    print("EDITOR_LIVE " + json.dumps(record), flush=True)


def _timed(save):
    started = time.perf_counter()
    save()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
