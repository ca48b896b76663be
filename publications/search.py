"""Full-text search: stored search vectors on PostgreSQL, a plain match elsewhere.

Weights: A title; B teaser and author names; C summary, about and body;
D the text of the PDF. Vectors are rebuilt in SQL, in the same transaction as
the change that makes them stale.
"""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

SEARCH_CONFIG = "english"
# Markers around matched words; the teaser is escaped before they become <mark>.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"

_UPDATE_SQL = """
UPDATE publications_publication AS p SET search_vector =
    setweight(to_tsvector(%(config)s, coalesce(p.title, '')), 'A')
    || setweight(to_tsvector(%(config)s, coalesce(p.teaser, '') || ' ' || coalesce((
        SELECT string_agg(a.name, ' ')
        FROM publications_authorship pa
        JOIN authors_author a ON a.id = pa.author_id
        WHERE pa.publication_id = p.id), '')), 'B')
    || setweight(to_tsvector(%(config)s, coalesce((
        SELECT string_agg(sp.text, ' ')
        FROM publications_summarypoint sp WHERE sp.report_id = p.id), '')
        || ' ' || regexp_replace(
            coalesce(r.about, '') || ' ' || coalesce(r.body, '') || ' '
            || coalesce(rp.body, ''), '<[^>]+>', ' ', 'g')), 'C')
    || setweight(to_tsvector(%(config)s, coalesce(r.pdf_text, '')), 'D')
FROM publications_publication AS base
LEFT JOIN publications_report AS r ON r.publication_ptr_id = base.id
LEFT JOIN publications_relatedpublication AS rp ON rp.publication_ptr_id = base.id
WHERE base.id = p.id AND p.id = ANY(%(ids)s)
"""


def is_full_text_available():
    """Return True when the database supports ranked full-text search."""
    return connection.vendor == "postgresql"


def update_search_vectors(publication_ids):
    """Rebuild the stored search vectors of *publication_ids* (PostgreSQL only)."""
    ids = sorted({int(pk) for pk in publication_ids if pk is not None})
    if not ids or not is_full_text_available():
        return
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_SQL, {"config": SEARCH_CONFIG, "ids": ids})


def search_publications(publications, text):
    """Return *publications* matching *text*: ranked on PostgreSQL.

    On PostgreSQL the result is ordered by rank, then newest first, and each
    row has ``teaser_highlighted``: the teaser with matched words between
    HIGHLIGHT_START and HIGHLIGHT_STOP (see the ``highlighted`` filter).
    Elsewhere it is a case-insensitive match on title, teaser and author
    names, newest first.
    """
    text = text.strip()
    if not text:
        return publications
    if not is_full_text_available():
        from publications.models import Publication

        return publications.filter(
            Q(title__icontains=text)
            | Q(teaser__icontains=text)
            | Q(
                pk__in=Publication.objects.filter(authors__name__icontains=text).values(
                    "pk"
                )
            )
        )
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return (
        publications.filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            teaser_highlighted=SearchHeadline(
                "teaser",
                query,
                config=SEARCH_CONFIG,
                start_sel=HIGHLIGHT_START,
                stop_sel=HIGHLIGHT_STOP,
                highlight_all=True,
            ),
        )
        .order_by("-rank", "-publish_at", "-id")
    )
