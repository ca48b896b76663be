"""Full-text search of publications, on whichever database Folio runs.

Both databases search the same weighted fields, in the same transaction as
every change that makes them stale: A the title; B the teaser, author names
and topic names (topics are how editors describe an item, so they count as
its teaser does); C summary, about and body; D the text of the PDF.
PostgreSQL keeps tsvectors (publications.search.postgresql), SQLite an
FTS5 table (publications.search.sqlite). Callers use the
functions here and never ask which.
"""

from contextlib import contextmanager, nullcontext
from itertools import batched

from asgiref.local import Local
from django.db import connection, transaction

from publications.models import Publication
from publications.search import postgresql, sqlite
from publications.search.query import (
    MAX_QUERY_CHARACTERS,
    MAX_QUERY_TERMS,
    normalise_query,
    printable,
    query_terms,
)

__all__ = [
    "HIGHLIGHT_START",
    "HIGHLIGHT_STOP",
    "MAX_QUERY_TERMS",
    "index_updates_deferred",
    "normalise_query",
    "rebuild_search_index",
    "search_matching_rows",
    "search_planning",
    "search_publications",
    "search_ranking_tiers",
    "update_search_index",
]

# Markers around matched words; the text is escaped before they become <mark>.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"
# The ids collected by index_updates_deferred(), or None when not deferring.
_deferred = Local()


def search_publications(publications, text):
    """Return *publications* matching *text*, best match first.

    Where the query has words to find, each row has ``title_highlighted``
    and ``teaser_highlighted``: the text with each matched word between
    HIGHLIGHT_START and HIGHLIGHT_STOP (see the ``highlighted`` filter).
    Ties go to the newest. Blank text leaves
    *publications* as they are; text with nothing to search for matches
    nothing.
    """
    text = printable(text[:MAX_QUERY_CHARACTERS]).strip()
    if not text:
        return publications
    terms = query_terms(text)
    if not terms:
        return publications.none()
    return _backend().search(
        publications, terms, start=HIGHLIGHT_START, stop=HIGHLIGHT_STOP
    )


def search_ranking_tiers(publications, text):
    """Return functions giving querysets (tiers) whose concatenation is
    search_publications()'s order.

    For ranking the results page by page: a tier after the first is only
    built and read when the pages asked for go past the tiers before it
    (see publications.paging.ranked_ids). Text that search_publications()
    leaves unsearched gives None.
    """
    text = printable(text[:MAX_QUERY_CHARACTERS]).strip()
    terms = query_terms(text)
    if not terms:
        return None
    return _backend().ranking_tiers(publications, terms)


def search_matching_rows(text):
    """Return a queryset of one row per publication matching *text*, or None.

    Each row's pk is its publication's id, whatever the publication's state:
    the caller keeps the live ones. Where the database has no narrower way
    to find every match than the publications' own rows (SQLite), None.
    Text with nothing to search for gives None too.
    """
    terms = query_terms(printable(text[:MAX_QUERY_CHARACTERS]).strip())
    if not terms:
        return None
    return _backend().matching_rows(terms)


def search_planning():
    """Return a context manager for a query that reads every match of a search.

    On PostgreSQL it then finds them through the full-text index (see
    postgresql.index_first); SQLite's full-text table is always read first.
    Only such queries: a page's other queries, such as its filters' names,
    are planned better as they are.
    """
    if connection.vendor == "postgresql":
        return postgresql.index_first()
    return nullcontext()


def update_search_index(publication_ids):
    """Bring the search index of *publication_ids* in line with their content.

    Call it in the transaction of the change: the index then commits, or
    rolls back, with it.
    """
    ids = sorted({int(pk) for pk in publication_ids if pk is not None})
    collected = getattr(_deferred, "ids", None)
    if collected is not None:
        collected.update(ids)
    elif ids:
        _backend().update_index(ids)


@contextmanager
def index_updates_deferred():
    """Collect the index updates of a block and make them once, at its end.

    For many writes in one transaction (an import chunk): each item's save
    and each of its parts would otherwise rewrite its index row again. If
    the block raises, nothing is indexed; its transaction rolls back anyway.
    """
    if getattr(_deferred, "ids", None) is not None:
        yield  # already deferring: the outer block indexes
        return
    _deferred.ids = set()
    try:
        yield
        ids = _deferred.ids
    finally:
        _deferred.ids = None
    update_search_index(ids)


def rebuild_search_index(*, batch_size=None):
    """Index every publication afresh; return how many there are.

    In the caller's transaction; or, with *batch_size*, in transactions of
    that many publications each (call it outside a transaction): a save of
    one of them then waits for its batch, not for the whole rebuild, and
    meanwhile searches find each item by its old words or its new ones.
    """
    if batch_size is None:
        return _backend().rebuild_index()
    with transaction.atomic():
        _backend().drop_deleted()
    ids = list(Publication.objects.order_by("pk").values_list("pk", flat=True))
    for batch in batched(ids, batch_size):
        with transaction.atomic():
            _backend().update_index(batch)
    return len(ids)


def _backend():
    return postgresql if connection.vendor == "postgresql" else sqlite
