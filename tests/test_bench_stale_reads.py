"""The mixed bench's stale-read checker (bench/stale_reads.py)."""

import time

from bench.stale_reads import StaleReadChecker


def _change(title, old_title):
    return {
        "path": "/publications/a-report/",
        "title": title,
        "old_title": old_title,
        "committed_at": time.time(),
    }


def _serving(page):
    def fetch(url):
        return 200, {"X-Varnish-Cache": "hit"}, page.encode()

    return fetch


def test_a_page_still_showing_the_old_title_is_a_stale_read():
    checker = StaleReadChecker(
        "http://varnish",
        delay=0,
        fetch=_serving("<h1>Water &amp; borders (revision 2)</h1>"),
    )
    checker.check(
        _change("Water & borders (revision 3)", "Water & borders (revision 2)")
    )
    assert checker.stale == 1
    assert checker.reads[0]["old_title_shown"] is True
    assert checker.reads[0]["cache"] == "hit"


def test_a_page_showing_the_new_title_escaped_is_fresh():
    checker = StaleReadChecker(
        "http://varnish",
        delay=0,
        fetch=_serving("<h1>Water &amp; borders (revision 3)</h1>"),
    )
    checker.check(
        _change("Water & borders (revision 3)", "Water & borders (revision 2)")
    )
    assert checker.stale == 0
    assert len(checker.reads) == 1


def test_an_unreachable_server_counts_as_a_stale_read():
    def refuse(url):
        raise ConnectionRefusedError("refused")

    checker = StaleReadChecker("http://varnish", delay=0, fetch=refuse)
    checker.check(_change("New", "Old"))
    assert checker.stale == 1
    assert checker.reads[0]["status"] is None
