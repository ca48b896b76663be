"""A search's queries find their matches through the full-text index."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from publications.models import Publication
from publications.search import search_planning, search_publications
from tests.factories import make_report

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the planner is PostgreSQL's"
    ),
]


def _seqscan():
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        return cursor.fetchone()[0]


TABLE_SCAN = "Seq Scan on publications_publication"


def test_a_search_reads_an_index_even_where_a_table_scan_looks_cheaper():
    # At 100,000 items, the GIN index; in thirty rows, whichever index.
    for number in range(30):
        make_report(title=f"Glaciers {number}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publications_publication")
    matches = search_publications(Publication.objects.live(), "glaciers")

    assert TABLE_SCAN in matches.explain()
    with search_planning():
        assert TABLE_SCAN not in matches.explain()
        assert len(matches) == 30


def test_the_setting_ends_with_the_block():
    before = _seqscan()
    with search_planning():
        assert _seqscan() == "off"
    assert _seqscan() == before == "on"


def test_the_setting_ends_with_a_block_that_fails():
    with pytest.raises(DatabaseError):
        with search_planning():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")
    assert _seqscan() == "on"


def test_the_setting_ends_with_the_block_inside_a_transaction():
    with transaction.atomic():
        with search_planning():
            assert _seqscan() == "off"
        assert _seqscan() == "on"


def test_the_search_page_discourages_table_scans_and_restores_the_setting(
    client,
):
    make_report(title="Glaciers")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/publications/", {"q": "glaciers"})

    assert response.status_code == 200
    statements = [query["sql"] for query in queries]
    planned = next(
        n for n, sql in enumerate(statements) if "'enable_seqscan', 'off'" in sql
    )
    matching = [n for n, sql in enumerate(statements) if '"search_vector" @@' in sql]
    assert matching and min(matching) > planned
    assert _seqscan() == "on"
