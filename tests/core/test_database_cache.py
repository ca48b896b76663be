"""The database cache of a site without Redis: Django's, counting its rows less."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import cache as folio_cache
from core.cache import FolioDatabaseCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def table_cache():
    cache = FolioDatabaseCache("folio_cache", {"OPTIONS": {"MAX_ENTRIES": 20}})
    cache.clear()
    yield cache
    cache.clear()


def _rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM folio_cache")
        return cursor.fetchone()[0]


def test_it_keeps_and_replaces_entries_as_djangos_does(table_cache):
    # The first write of each run of CULL_CHECK_EVERY is Django's own.
    for number in range(3):
        table_cache.set(f"key-{number}", {"page": number})
    table_cache.set("key-1", {"page": "replaced"})

    assert table_cache.get("key-1") == {"page": "replaced"}
    assert table_cache.get_many(["key-0", "key-2", "absent"]) == {
        "key-0": {"page": 0},
        "key-2": {"page": 2},
    }
    assert table_cache.add("key-0", "not added") is False
    assert table_cache.get("key-0") == {"page": 0}
    assert table_cache.add("key-new", "added") is True
    assert table_cache.get("key-new") == "added"
    assert table_cache.add("counter", 1) is True
    assert table_cache.incr("counter", 2) == 3
    table_cache.delete("key-2")
    assert table_cache.get("key-2") is None


def test_an_expired_entry_is_replaced_by_add(table_cache):
    table_cache.set("first", "warm-up")  # Django's write, with its count
    table_cache.set("short", "old", timeout=1)
    time.sleep(1.1)

    assert table_cache.get("short") is None
    assert table_cache.add("short", "new", timeout=60) is True
    assert table_cache.get("short") == "new"


def test_the_table_is_counted_once_per_cull_check_writes(table_cache):
    with CaptureQueriesContext(connection) as queries:
        for number in range(2 * folio_cache.CULL_CHECK_EVERY):
            table_cache.set(f"key-{number}", number)
    counts = [query for query in queries if "COUNT(*)" in query["sql"].upper()]

    assert len(counts) == 2


def test_it_is_still_culled_past_max_entries(table_cache, monkeypatch):
    monkeypatch.setattr(folio_cache, "CULL_CHECK_EVERY", 5)
    for number in range(100):
        table_cache.set(f"key-{number}", number)

    # Over by at most the writes between two counts, never 100.
    assert _rows() <= 20 + 5
    assert table_cache.get("key-99") == 99
