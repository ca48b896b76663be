"""Full-text search on PostgreSQL: a weighted tsvector stored on each row.

Weights: A title; B teaser, author names and topic names; C summary, about
and body; D the text of the PDF. publications.search chooses this module.

Every word is matched, through the GIN index of search_vector; results
are ordered by their A and B words alone, kept beside it in
search_vector_ranked. The whole vector is kilobytes, stored out of line
(TOAST): reading it for each of a common word's 30,000 matches at 100,000
items took 250 ms of a 300 ms search, ranking the small one takes a tenth.
An item matching in its summary, about, body or PDF only ranks 0: such
items follow the others, newest first.
"""

from contextlib import contextmanager

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import DatabaseError, connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    IntegerField,
    Value,
    When,
)
from django.db.models.functions import Length

from publications.search.query import terms_text

SEARCH_CONFIG = "english"

_UPDATE_SQL = """
UPDATE publications_publication AS p
SET (search_vector, search_vector_ranked) = (
    SELECT built.vector, ts_filter(built.vector, '{{a,b}}') FROM (SELECT
    setweight(to_tsvector(%(config)s, coalesce(p.title, '')), 'A')
    || setweight(to_tsvector(%(config)s, coalesce(p.teaser, '') || ' ' || coalesce((
        SELECT string_agg(a.name, ' ')
        FROM publications_authorship pa
        JOIN authors_author a ON a.id = pa.author_id
        WHERE pa.publication_id = p.id), '') || ' ' || coalesce((
        SELECT string_agg(t.name, ' ')
        FROM publications_taggedpublication tp
        JOIN taggit_tag t ON t.id = tp.tag_id
        WHERE tp.content_object_id = p.id), '')), 'B')
    || setweight(to_tsvector(%(config)s, coalesce((
        SELECT string_agg(sp.text, ' ')
        FROM publications_summarypoint sp WHERE sp.report_id = p.id), '')
        || ' ' || regexp_replace(
            coalesce(r.about, '') || ' ' || coalesce(r.body, '') || ' '
            || coalesce(rp.body, ''), '<[^>]+>', ' ', 'g')), 'C')
    || setweight(to_tsvector(%(config)s, coalesce(r.pdf_text, '')), 'D')
    AS vector) AS built)
FROM publications_publication AS base
LEFT JOIN publications_report AS r ON r.publication_ptr_id = base.id
LEFT JOIN publications_relatedpublication AS rp ON rp.publication_ptr_id = base.id
WHERE base.id = p.id {condition}
"""


def update_index(ids):
    """Rebuild the stored search vectors (both) of publications *ids*."""
    with connection.cursor() as cursor:
        cursor.execute(
            _UPDATE_SQL.format(condition="AND p.id = ANY(%(ids)s)"),
            {"config": SEARCH_CONFIG, "ids": list(ids)},
        )


def rebuild_index():
    """Rebuild the search vector of every publication; return how many."""
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_SQL.format(condition=""), {"config": SEARCH_CONFIG})
        return cursor.rowcount


@contextmanager
def index_first():
    """Have the block's queries find matches through the GIN index.

    For a common word (a third of 100,000 items) the planner prefers
    reading the whole table to the index, not counting that a row read so
    matches only after its vector is fetched from TOAST: 300 ms instead of
    a tenth of it. Sequential scans are discouraged until the block ends,
    then the setting is put back, as the export puts back its own (the
    connection is Folio's alone: its prepared statements need that too).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'),"
            " set_config('enable_seqscan', 'off', false)"
        )
        previous = cursor.fetchone()[0]
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('enable_seqscan', %s, false)", [previous]
                )
        except DatabaseError:
            pass  # A failed transaction undoes the setting as it ends.


def search(publications, terms, *, start, stop):
    """Return *publications* matching *terms*, best first, matches marked.

    Rows carry title_highlighted and teaser_highlighted: the whole text with
    each matched word between *start* and *stop*.
    """
    query = SearchQuery(
        terms_text(terms), search_type="websearch", config=SEARCH_CONFIG
    )

    def headline(field):
        return SearchHeadline(
            field,
            query,
            config=SEARCH_CONFIG,
            start_sel=start,
            stop_sel=stop,
            highlight_all=True,
        )

    # Items whose title (weight A) matches come first, the shortest titles
    # first, as on SQLite (publications.search.sqlite); the rank orders the
    # rest.
    in_title = Func(
        Func(F("search_vector_ranked"), Value("{a}"), function="ts_filter"),
        query,
        function="",
        arg_joiner=" @@ ",
        output_field=BooleanField(),
    )
    return (
        publications.filter(search_vector=query)
        .annotate(
            title_group=Case(
                When(in_title, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            title_length=Case(
                When(in_title, then=Length("title")),
                default=Value(0),
                output_field=IntegerField(),
            ),
            # Divided by 1 + the log of the item's length, as bm25() weighs
            # long items down on SQLite.
            rank=SearchRank(F("search_vector_ranked"), query, normalization=Value(1)),
            title_highlighted=headline("title"),
            teaser_highlighted=headline("teaser"),
        )
        .order_by("title_group", "title_length", "-rank", "-publish_at", "-id")
    )
