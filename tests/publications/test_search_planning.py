"""A search's queries find their matches through the full-text index."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from publications.models import Publication
from publications.search import search_planning, search_publications
from tests.factories import make_author, make_report

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
    for number in range(30):
        make_report(title=f"Glaciers {number}")
    matches = search_publications(Publication.objects.live(), "glaciers")
    with connection.cursor() as cursor:
        # Random reads priced as on a spinning disk, many times over.
        cursor.execute("SET random_page_cost = 1000")
    try:
        assert TABLE_SCAN in matches.explain()
        with search_planning():
            assert TABLE_SCAN not in matches.explain()
            assert len(matches) == 30
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET random_page_cost")


def test_the_setting_ends_with_the_block():
    before = _seqscan()
    with search_planning():
        assert _seqscan() == "off"
    assert _seqscan() == before == "on"


def test_the_setting_ends_with_a_block_that_raises():
    with pytest.raises(ValueError), search_planning():
        raise ValueError
    assert _seqscan() == "on"


def test_a_failed_transaction_undoes_the_setting():
    with pytest.raises(DatabaseError), transaction.atomic():
        with search_planning():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")
    assert _seqscan() == "on"


def test_the_setting_ends_with_the_block_inside_a_transaction():
    with transaction.atomic():
        with search_planning():
            assert _seqscan() == "off"
        assert _seqscan() == "on"


def _in_blocks(statements):
    """Return, for each statement, whether it runs with table scans discouraged."""
    inside, flags = False, []
    for sql in statements:
        if "set_config('enable_seqscan'" in sql:
            inside = "'off'" in sql
        flags.append(inside)
    return flags


def test_only_the_queries_reading_every_match_discourage_table_scans(client):
    make_report(title="Glaciers", authors=[make_author(name="Ann Hill")])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/publications/", {"q": "glaciers"})

    assert response.status_code == 200
    statements = [query["sql"] for query in queries]
    flags = _in_blocks(statements)
    every_match = [
        n
        for n, sql in enumerate(statements)
        if " @@ " in sql and '"id" IN (' not in sql
    ]
    # The matches' ids (for the count and the filters) and the ranking of
    # the title matches, enough for the first page.
    assert len(every_match) == 2
    assert 'FROM "publications_searchterms"' in statements[every_match[0]]
    assert "ts_rank(" in statements[every_match[1]]
    assert all(flags[n] for n in every_match)
    names = [n for n, sql in enumerate(statements) if 'FROM "authors_author"' in sql]
    assert names and not any(flags[n] for n in names)
    assert _seqscan() == "on"
