"""Full-text search on PostgreSQL: weighted tsvectors, kept in two places.

Weights: A title; B teaser, author names and topic names; C summary, about
and body; D the text of the PDF. publications.search chooses this module.

The whole vector is kilobytes, stored out of line (TOAST), on a narrow row
of its own (SearchTerms): every match is found there, through its GIN
index. Results are ordered by their A and B words alone, kept in the
publication's row (search_vector_ranked): reading the whole vector for each
of a common word's 30,000 matches took 250 ms of a 300 ms search. Title
matches come first, and have a GIN index of their own, so that a first page
ranks them alone (ranking_tiers). An item matching in its summary, about,
body or PDF only ranks 0: such items follow the others, newest first.
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

from publications.models import SearchTerms
from publications.search.query import terms_text

SEARCH_CONFIG = "english"

# The whole vector goes to SearchTerms, its A and B words to the row. Only
# rows the UPDATE reached get terms: an item deleted by a transaction that
# committed meanwhile is skipped, where inserting its terms would fail the
# whole change on the foreign key.
_UPDATE_SQL = """
WITH built AS (
    SELECT base.id,
    setweight(to_tsvector(%(config)s, coalesce(base.title, '')), 'A')
    || setweight(to_tsvector(%(config)s, coalesce(base.teaser, '') || ' ' || coalesce((
        SELECT string_agg(a.name, ' ')
        FROM publications_authorship pa
        JOIN authors_author a ON a.id = pa.author_id
        WHERE pa.publication_id = base.id), '') || ' ' || coalesce((
        SELECT string_agg(t.name, ' ')
        FROM publications_taggedpublication tp
        JOIN taggit_tag t ON t.id = tp.tag_id
        WHERE tp.content_object_id = base.id), '')), 'B')
    || setweight(to_tsvector(%(config)s, coalesce((
        SELECT string_agg(sp.text, ' ')
        FROM publications_summarypoint sp WHERE sp.report_id = base.id), '')
        || ' ' || regexp_replace(
            coalesce(r.about, '') || ' ' || coalesce(r.body, '') || ' '
            || coalesce(rp.body, ''), '<[^>]+>', ' ', 'g')), 'C')
    || setweight(to_tsvector(%(config)s, coalesce(r.pdf_text, '')), 'D')
    AS vector
    FROM publications_publication AS base
    LEFT JOIN publications_report AS r ON r.publication_ptr_id = base.id
    LEFT JOIN publications_relatedpublication AS rp ON rp.publication_ptr_id = base.id
    WHERE TRUE {condition}
), ranked AS (
    UPDATE publications_publication AS p
    SET search_vector_ranked = ts_filter(built.vector, '{{a,b}}')
    FROM built WHERE p.id = built.id
    RETURNING p.id
)
INSERT INTO publications_searchterms (publication_id, vector)
SELECT built.id, built.vector FROM built JOIN ranked ON ranked.id = built.id
ON CONFLICT (publication_id) DO UPDATE SET vector = EXCLUDED.vector
"""


def update_index(ids):
    """Rebuild the stored search vectors (both) of publications *ids*."""
    with connection.cursor() as cursor:
        cursor.execute(
            _UPDATE_SQL.format(condition="AND base.id = ANY(%(ids)s)"),
            {"config": SEARCH_CONFIG, "ids": list(ids)},
        )


def rebuild_index():
    """Rebuild the search vector of every publication; return how many."""
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_SQL.format(condition=""), {"config": SEARCH_CONFIG})
        return cursor.rowcount


def drop_deleted():
    """Nothing to do: a deleted publication's terms go with it (the key cascades)."""


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
    query = _query(terms)
    return _ranked(publications.filter(_matching(query)), query, start, stop)


def ranking_tiers(publications, terms):
    """Return functions giving querysets of *publications* whose concatenation
    is search()'s order.

    First the items whose title matches (search() puts them first), found
    through the GIN index of the title's words: 2,300 items for a word a
    third of 100,000 items hold, which rank in a few milliseconds, where
    ranking every match took 90. The rest of the matches, ranked as a whole,
    are only read past the title matches' last place. A title that matches
    a query without "-" terms means the item matches, so that tier needs no
    other condition. Functions, so that a request whose ranking is
    remembered builds no queryset.
    """
    query = _query(terms)
    negated = any(term.negated for term in terms)
    rank = _rank(query)

    # Within a tier the title condition is the same for every row, so each
    # orders by what search() orders by after it. Evaluating that condition
    # again per row, as search()'s order does, filters each row's vector
    # twice more: ranking a common word's 2,300 title matches took 13 ms
    # with it, 5 without.
    def title_matches():
        tier = publications.filter(_in_title(query))
        if negated:
            tier = tier.filter(_matching(query))
        return tier.alias(title_length=Length("title"), rank=rank).order_by(
            "title_length", "-rank", "-publish_at", "-id"
        )

    def the_rest():
        return (
            publications.filter(_matching(query))
            .alias(title_group=_title_group(query))
            .filter(title_group=1)
            .alias(rank=rank)
            .order_by("-rank", "-publish_at", "-id")
        )

    return [title_matches, the_rest]


def matching_rows(terms):
    """Return SearchTerms rows matching *terms*, one per item, of any state."""
    return SearchTerms.objects.filter(vector=_query(terms))


def _query(terms):
    return SearchQuery(terms_text(terms), search_type="websearch", config=SEARCH_CONFIG)


def _matching(query):
    """Return the condition: the item's whole vector (SearchTerms) matches.

    Written out rather than as pk__in=<a SearchTerms queryset>: a nested
    query is resolved and copied with every clone of the list's queryset,
    which cost a warm search page about 2 ms.
    """
    return Func(
        F("pk"),
        query,
        template="%(expressions)s)",
        arg_joiner=(
            f" IN (SELECT publication_id FROM {SearchTerms._meta.db_table}"
            " WHERE vector @@ "
        ),
        output_field=BooleanField(),
    )


def _in_title(query):
    """Return the condition: the item's title words match *query*.

    Written as the GIN index of the title's words is (migration 0022).
    """
    return Func(
        Func(F("search_vector_ranked"), Value("{a}"), function="ts_filter"),
        query,
        function="",
        arg_joiner=" @@ ",
        output_field=BooleanField(),
    )


def _title_group(query):
    """0 for an item whose title matches *query*, else 1 (a vector not yet
    built included)."""
    return Case(
        When(_in_title(query), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _rank(query):
    # Divided by 1 + the log of the item's length, as bm25() weighs long
    # items down on SQLite.
    return SearchRank(F("search_vector_ranked"), query, normalization=Value(1))


def _ranked(publications, query, start, stop):
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
    # rest. Aliases, not annotations: a page read by id in an order already
    # known (publications.paging) then computes none of them.
    in_title = _in_title(query)
    return (
        publications.alias(
            title_group=_title_group(query),
            title_length=Case(
                When(in_title, then=Length("title")),
                default=Value(0),
                output_field=IntegerField(),
            ),
            rank=_rank(query),
        )
        .annotate(
            title_highlighted=headline("title"),
            teaser_highlighted=headline("teaser"),
        )
        .order_by("title_group", "title_length", "-rank", "-publish_at", "-id")
    )
