"""Full-text search on SQLite: an FTS5 table beside the publications.

Each publication has one row of publications_search (rowid = its id), in
columns weighted as PostgreSQL's A to D are: the title; the teaser, author
names and topic names; summary, about and body; the text of the PDF.
publications.search chooses this module.
"""

import html
import re
from itertools import batched

from django.db import connection
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Length

from publications.models import SearchDocument

TABLE = "publications_search"
COLUMNS = ("title", "teaser", "authors", "topics", "text", "pdf_text")
# bm25() weight per column, in the ratio of PostgreSQL's default weights
# (A 1.0, B 0.4, C 0.2, D 0.1): a title match counts ten PDF matches.
WEIGHTS = (10.0, 4.0, 4.0, 4.0, 2.0, 1.0)
# Rows read and written at a time: well under SQLite's 32,766 variables.
BATCH_SIZE = 500

# PostgreSQL's "english" configuration drops these words from a query, so
# "negotiations with armed groups" needs no "with"; the same here.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves
    he him his himself she her hers herself it its itself they them their
    theirs themselves what which who whom this that these those am is are was
    were be been being have has had having do does did doing a an the and but
    if or because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over
    under again further then once here there when where why how all any both
    each few more most other some such no nor not only own same so than too
    very s t can will just don should now""".split()
)

_DOCUMENTS_SQL = """
SELECT p.id, p.title, p.teaser,
    (SELECT group_concat(a.name, ' ')
     FROM publications_authorship pa
     JOIN authors_author a ON a.id = pa.author_id
     WHERE pa.publication_id = p.id),
    (SELECT group_concat(t.name, ' ')
     FROM publications_taggedpublication tp
     JOIN taggit_tag t ON t.id = tp.tag_id
     WHERE tp.content_object_id = p.id),
    (SELECT group_concat(sp.text, ' ')
     FROM publications_summarypoint sp WHERE sp.report_id = p.id),
    r.about, r.body, rp.body, r.pdf_text
FROM publications_publication p
LEFT JOIN publications_report r ON r.publication_ptr_id = p.id
LEFT JOIN publications_relatedpublication rp ON rp.publication_ptr_id = p.id
WHERE p.id IN ({placeholders})
"""
_TAG = re.compile(r"<[^>]+>")
_INSERT_SQL = (
    f"INSERT OR REPLACE INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * (len(COLUMNS) + 1))})"
)


def update_index(ids):
    """Rewrite the index rows of publications *ids*; drop those of deleted ones."""
    for batch in batched(ids, BATCH_SIZE):
        placeholders = ", ".join(["%s"] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(_DOCUMENTS_SQL.format(placeholders=placeholders), batch)
            documents = [_document(row) for row in cursor.fetchall()]
            gone = set(batch) - {document[0] for document in documents}
            if gone:
                cursor.execute(
                    f"DELETE FROM {TABLE} WHERE rowid IN "
                    f"({', '.join(['%s'] * len(gone))})",
                    sorted(gone),
                )
            if documents:
                cursor.executemany(_INSERT_SQL, documents)


def rebuild_index():
    """Index every publication afresh; return how many."""
    # In SQL, not through the models: a migration fills the table this way.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute("SELECT id FROM publications_publication ORDER BY id")
        ids = [pk for (pk,) in cursor.fetchall()]
    update_index(ids)
    return len(ids)


def drop_deleted():
    """Drop the index rows of publications deleted without the models."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE rowid NOT IN"
            " (SELECT id FROM publications_publication)"
        )


def search(publications, terms, *, start, stop):
    """Return *publications* matching *terms*, best first, matches marked.

    Rows carry title_highlighted and teaser_highlighted: the whole text with
    each matched word between *start* and *stop*.
    """
    expression, negated = match_expressions(terms)
    if not expression and not negated:
        return publications.none()
    if not expression:
        # PostgreSQL finds every item without the words; FTS5 cannot say
        # "not" alone.
        excluded = SearchDocument.objects.filter(document__match=negated)
        return publications.exclude(pk__in=excluded.values("publication_id")).order_by(
            "-publish_at", "-id"
        )
    document = F("search_document__document")

    def highlight(column):
        return Func(
            document,
            Value(COLUMNS.index(column)),
            Value(start),
            Value(stop),
            function="highlight",
            output_field=TextField(),
        )

    # FTS5's bm25() adds the weighted hits of all columns before it
    # saturates them and divides by the length of the whole row, so a
    # title match in a long report can rank below a teaser match in a short
    # note. Items matching in the title come first, as PostgreSQL's weight A
    # has them, the shortest titles (where the words weigh most) first;
    # bm25() orders the rest. PostgreSQL orders the same way
    # (publications.search.postgresql), so both find the same best item.
    in_title = SearchDocument.objects.filter(
        document__match=f"title : ({expression})"
    ).values("publication_id")
    return (
        publications.filter(search_document__document__match=expression)
        .alias(
            title_group=Case(
                When(pk__in=in_title, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            title_length=Case(
                When(pk__in=in_title, then=Length("title")),
                default=Value(0),
                output_field=IntegerField(),
            ),
            # bm25() is lower for better matches.
            rank=Func(
                document,
                *[Value(weight) for weight in WEIGHTS],
                function="bm25",
                output_field=FloatField(),
            ),
        )
        .annotate(
            title_highlighted=highlight("title"),
            teaser_highlighted=highlight("teaser"),
        )
        .order_by("title_group", "title_length", "rank", "-publish_at", "-id")
    )


def match_expressions(terms):
    """Return (expression, negated) in FTS5 syntax for query *terms*.

    As websearch_to_tsquery reads them: words side by side must all match,
    ``or`` divides them into alternatives (so "water iran or iraq" is
    water and iran, or iraq), and ``-`` leaves out what matches. Every word
    is quoted, so no reader's text is FTS5 syntax. FTS5 has no "not" on its
    own: an alternative of ``-`` terms alone is left out, and *negated* has
    them all for a query without anything else.
    """
    clauses, negated = [([], [])], []
    for term in terms:
        if term.is_or:
            if any(clauses[-1]):
                clauses.append(([], []))
            continue
        words = term.words
        if not term.phrase and words[0].lower() in STOP_WORDS:
            continue
        quoted = '"' + " ".join(words).replace('"', '""') + '"'
        positive, negative = clauses[-1]
        (negative if term.negated else positive).append(quoted)
        if term.negated:
            negated.append(quoted)
    alternatives = []
    for positive, negative in clauses:
        if not positive:
            continue
        expression = " AND ".join(positive)
        if negative:
            expression = f"({expression}) NOT ({' OR '.join(negative)})"
        alternatives.append(f"({expression})")
    return " OR ".join(alternatives), " OR ".join(negated)


def _document(row):
    pk, title, teaser, authors, topics, summary, about, body, related_body, pdf = row
    text = " ".join(
        [summary or "", *(_plain_text(part) for part in (about, body, related_body))]
    )
    return (pk, title, teaser, authors or "", topics or "", text, pdf or "")


def _plain_text(rich_text):
    """Return the words of sanitised rich text, without tags or entities."""
    # A space for each tag, as PostgreSQL's regexp_replace: "</h2><p>" parts words.
    return html.unescape(_TAG.sub(" ", rich_text or ""))


def ranking_tiers(publications, terms):
    """Return [a function giving search()'s queryset]: SQLite ranks its
    matches in one go."""
    return [lambda: search(publications, terms, start="", stop="")]


def matching_rows(terms):
    """Return None: SQLite finds matching live items through the publications."""
    return None
