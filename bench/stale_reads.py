"""Stale reads: a page that still shows what an editor changed before.

bench/editor.py logs each live change it commits (the report's path and new
title); StaleReadChecker reads that page from a server (Varnish, or Folio's
gunicorn) about a second later and counts the reads without the new title.
A purge that went missing, or a page cached again from a read that began
before the commit, shows up here.
"""

import html
import time

from bench import load

# How long after a live save commits the checker reads the page.
STALE_CHECK_DELAY = 1.0


class StaleReadChecker:
    """Reads each page the editor changed from *base_url*, *delay* seconds
    after the change committed; counts the reads without the new title."""

    def __init__(self, base_url, *, delay=STALE_CHECK_DELAY, fetch=load.fetch):
        self.base_url, self.delay, self.fetch = base_url, delay, fetch
        self.reads = []

    @property
    def stale(self):
        return sum(read["stale"] for read in self.reads)

    def check(self, change):
        """Read the page of *change* (an EDITOR_LIVE record) once it is due."""
        time.sleep(max(0.0, change["committed_at"] + self.delay - time.time()))
        read_at = time.time()
        try:
            status, headers, body = self.fetch(self.base_url + change["path"])
        except OSError as error:
            status, headers, body = None, {}, str(error).encode()
        page = body.decode("utf-8", "replace")
        self.reads.append(
            {
                "title": change["title"],
                "after_s": round(read_at - change["committed_at"], 2),
                "status": status,
                "cache": headers.get("X-Varnish-Cache") or headers.get("X-Cache"),
                "stale": is_stale(page, change["title"]),
                "old_title_shown": html.escape(change["old_title"]) in page,
            }
        )


def is_stale(page, title):
    """Whether *page* fails to show *title*, escaped as Django's templates do."""
    return html.escape(title) not in page
