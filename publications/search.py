"""Full-text search: stored search vectors on PostgreSQL, a plain match elsewhere.

Weights: A title; B teaser and author names; C summary, about and body;
D the text of the PDF. Vectors are rebuilt in SQL, in the same transaction as
the change that makes them stale.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

SEARCH_CONFIG = "english"
# Far beyond any query a reader types (the search box takes 200 characters).
MAX_QUERY_CHARACTERS = 1000
MAX_QUERY_TERMS = 32
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


# A term: an optional "-" (not), then a "phrase" (its closing quote optional,
# as websearch_to_tsquery allows) or a run of anything but spaces and quotes.
_TERM = re.compile(r'(?P<negated>-?)(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
# A hyphen that does not join two word characters ("peace-building").
_LOOSE_HYPHEN = re.compile(r"(?<!\w)-|-(?!\w)")
_WORD_CHARACTER = re.compile(r"\w")


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
    text = _printable(text[:MAX_QUERY_CHARACTERS]).strip()
    if not text:
        return publications
    query_text = normalise_query(text)
    if not query_text:
        return publications.none()
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
    query = SearchQuery(query_text, search_type="websearch", config=SEARCH_CONFIG)
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


def normalise_query(text):
    """Return *text* as a web search query PostgreSQL always accepts.

    websearch_to_tsquery reads "phrases", ``or`` and a leading ``-`` (not),
    and takes every other character for part of a word or a separator. A
    ``-`` after a separator is a "not" too, and 32 of them in a row overflow
    its stack ("tsquery stack too small", a server error). Here each term
    keeps at most one leading ``-``, inner hyphens stay only between two word
    characters, terms without a word character go, and at most
    MAX_QUERY_TERMS remain. A query a reader types comes out unchanged but
    for spacing; one of punctuation alone comes out empty.
    """
    terms = []
    for match in _TERM.finditer(_printable(text[:MAX_QUERY_CHARACTERS])):
        negated = match["negated"]
        if match["phrase"] is not None:
            words = _words(match["phrase"])
            if words:
                terms.append(f'{negated}"{" ".join(words)}"')
            continue
        words = _words(match["word"])
        if words:
            terms.append(negated + words[0])
            terms.extend(words[1:])
    return " ".join(terms[:MAX_QUERY_TERMS])


def _words(text):
    """Return the parts of *text* that hold a word character, loose hyphens gone."""
    return [
        part
        for part in _LOOSE_HYPHEN.sub(" ", text).split()
        if _WORD_CHARACTER.search(part)
    ]


def _printable(text):
    """Return *text* with control characters and lone surrogates as spaces."""
    return "".join(
        " " if unicodedata.category(character) in {"Cc", "Cs"} else character
        for character in text
    )
