"""Memory, queries and early stops of the COPY exports (exports_postgres)."""

import threading
import tracemalloc

import pytest
from django.db import connection

from publications import exports_postgres
from publications.exports import iter_publications_csv, write_publications_csv
from publications.models import Publication
from tests.factories import make_author, make_report

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="COPY exports are PostgreSQL's; SQLite keeps the Python writers",
)


@pytest.fixture(autouse=True)
def copy_any_size(monkeypatch):
    """Send even a few rows through COPY (MIN_ROWS keeps them in Python)."""
    monkeypatch.setattr(exports_postgres, "MIN_ROWS", 0)


def _add_copies(count, *, first=1):
    """Add *count* copies of a report with SQL, with its authors and topics."""
    original = Publication.objects.filter(slug="original").first()
    if original is None:
        original = make_report(
            title='Bulk, "quoted"\nreport ',
            slug="original",
            authors=[make_author(name="Bulk Author"), make_author(name="Second")],
            tags=["Bulk", "rows"],
        )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH copies AS (
                INSERT INTO publications_publication (kind, publication_type_id,
                    title, slug, teaser, image, image_alt, thumbnail, status,
                    publish_at, review_status, version, created_at, updated_at)
                SELECT kind, publication_type_id, title || n, 'bulk-' || n,
                    teaser, '', '', '', status,
                    publish_at - n * interval '1 minute', '', 1, now(), now()
                FROM publications_publication, generate_series(%s, %s) AS n
                WHERE id = %s
                RETURNING id
            ),
            reports AS (
                INSERT INTO publications_report (publication_ptr_id, about, body,
                    pdf, pdf_text)
                SELECT id, '', '', 'pdfs/bulk.pdf', '' FROM copies
                RETURNING publication_ptr_id
            ),
            authors AS (
                INSERT INTO publications_authorship (publication_id, author_id,
                    position, role, affiliation)
                SELECT publication_ptr_id, a.author_id, a.position, a.role, ''
                FROM reports, publications_authorship a
                WHERE a.publication_id = %s
                RETURNING publication_id
            )
            INSERT INTO publications_taggedpublication (content_object_id, tag_id)
            SELECT DISTINCT authors.publication_id, t.tag_id
            FROM authors, publications_taggedpublication t
            WHERE t.content_object_id = %s
            """,
            [first, first + count - 1, original.pk, original.pk, original.pk],
        )
    return Publication.objects.filter(slug__startswith="bulk-").newest_first()


class _Sink:
    """A text file that keeps only how many lines it was given."""

    def __init__(self):
        self.lines = 0

    def write(self, text):
        self.lines += text.count("\r\n")


@pytest.mark.django_db
def test_queries_and_memory_stay_flat_as_rows_grow(django_assert_num_queries):
    peaks = []
    for count, first in ((500, 1), (1500, 501)):
        copies = _add_copies(count, first=first)
        sink = _Sink()
        # The topics' order, planner settings, the COPY, settings back.
        with django_assert_num_queries(4):
            write_publications_csv(copies, sink)
        assert sink.lines == first + count  # the header and every row
        tracemalloc.start()
        write_publications_csv(copies, _Sink())
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # Four times the rows, not four times the memory: rows leave in blocks.
    assert peaks[1] < 1.5 * peaks[0], peaks


@pytest.mark.django_db
def test_streamed_pieces_are_blocks_not_the_whole_file():
    copies = _add_copies(2000)

    pieces = list(iter_publications_csv(copies))

    assert len(pieces) > 5
    assert max(len(piece) for piece in pieces) < 70 * 1024


def test_a_reader_that_stops_early_cancels_copy(transactional_db):
    copies = _add_copies(20_000)
    stream = iter_publications_csv(copies)
    first = next(stream)
    started = threading.enumerate()

    stream.close()

    assert first.startswith("kind,type,number")
    assert any(thread.name == "folio-export" for thread in started)
    assert not any(t.name == "folio-export" for t in threading.enumerate())
    # The connection is free for the next statement, its settings as they were.
    assert copies.count() == 20_000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('enable_nestloop')"
        )
        assert cursor.fetchone() == ("on", "on")
