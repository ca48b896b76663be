"""CSV and JSON exports built by PostgreSQL and read with COPY ... TO STDOUT.

The Python writers (publications.exports) read every value and format it in
Python, which caps an export at the speed of the interpreter. Here one COPY
statement hands over the finished text: the twelve columns of
PublicationResource, built in SQL with the same rules (escape_formula,
ISO 8601 dates in the current time zone, absolute links, authors in order,
topics sorted as str.casefold sorts them), so Python only passes the bytes
on, fixing line endings and framing. The output is byte for byte the Python
writers' (tests/publications/test_export_postgres.py), and memory stays flat:
rows arrive one by one and leave in blocks of about 64 KB.

psycopg2 has no iterator over COPY output, so a streamed download runs COPY
in a worker thread, on the request's own connection, that hands blocks over
through a short queue; the thread waits while the client is slow, and a
client that goes away cancels the statement.
"""

import csv
import io
import queue
import threading
import zoneinfo

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections
from django.db.models import F
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author
from core.links import site_url, slug_url_function
from publications.exports import FORMULA_PREFIXES
from publications.models import (
    Authorship,
    Publication,
    PublicationType,
    RelatedPublication,
    Report,
    Series,
    TaggedPublication,
)
from publications.resources import CHUNK_SIZE, COLUMNS, LIST_SEPARATOR
from publications.states import Kind, State, Status

# Fewer rows go through the Python writers, which are as quick there: the
# statement's joins and aggregates read whole tables, so 10,000 of 100,000
# rows took both paths about the same time (bench/export.py).
MIN_ROWS = 10_000
# Hand text on once this many bytes of rows are read (as exports.py does).
_BLOCK_BYTES = 64 * 1024
# Blocks a streamed export holds ahead of a slow client: 4 x 64 KB.
_QUEUE_BLOCKS = 4
_PLACEHOLDER = "folio-slug"
# Planner settings for the statement, and how to put back what they were.
_PLANNER_SETTINGS = {
    "jit": "off",
    "enable_nestloop": "off",
    "work_mem": "64MB",
    "max_parallel_workers_per_gather": "0",
}
_SET_PLANNER = "SELECT {}".format(
    ", ".join(
        f"current_setting('{name}'), set_config('{name}', '{value}', false)"
        for name, value in _PLANNER_SETTINGS.items()
    )
)
_RESTORE_PLANNER = "SELECT {}".format(
    ", ".join(f"set_config('{name}', %s, false)" for name in _PLANNER_SETTINGS)
)


def can_export(publications, *, with_content=False):
    """Return True if COPY should write *publications* rather than Python.

    It needs PostgreSQL, a defined row order (else either path may order
    rows its own way), a named time zone PostgreSQL knows too, and at least
    MIN_ROWS rows (one query, which stops there). It writes only the
    export's own columns: an export *with_content* is Python's.
    """
    connection = connections[publications.db]
    return (
        not with_content
        and connection.vendor == "postgresql"
        and issubclass(publications.model, Publication)
        and publications.ordered
        and not publications.query.is_sliced
        and isinstance(timezone.get_current_timezone(), zoneinfo.ZoneInfo)
        and (MIN_ROWS <= 0 or publications.order_by()[MIN_ROWS - 1 : MIN_ROWS].exists())
    )


def write_publications_csv(publications, out, **options):
    """Write *publications* as CSV to the text file *out* (see exports.py)."""
    _Export(publications, "csv", **options).run(out.write)


def write_publications_json(publications, out, **options):
    """Write *publications* as a JSON list to the text file *out*."""
    _Export(publications, "json", **options).run(out.write)


def iter_publications_csv(publications, **options):
    """Yield the CSV text of *publications* in pieces of about 64 KB."""
    return _Export(publications, "csv", **options).stream()


def iter_publications_json(publications, **options):
    """Yield the JSON text of *publications* in pieces of about 64 KB."""
    return _Export(publications, "json", **options).stream()


class _Export:
    """One export: its COPY statement, and the text around its rows."""

    def __init__(
        self,
        publications,
        file_format,
        *,
        byte_order_mark=False,
        chunk_size=CHUNK_SIZE,
        progress=None,
        with_content=False,
    ):
        if with_content:
            # can_export() refuses it: the statement builds COLUMNS only.
            raise ValueError("COPY exports have no content columns")
        self.publications = publications
        self.file_format = file_format
        self.byte_order_mark = byte_order_mark
        self.chunk_size = chunk_size
        self.progress = progress
        self.connection = connections[publications.db]

    def run(self, send, cursor=None):
        """Send the whole text to *send*, piece by piece.

        *cursor*, if given, is one of this export's connection, made in the
        thread that owns it (Django's connections belong to one thread).
        """
        sql = self._copy_sql()
        send(self._head())
        rows = 0
        if sql is not None:
            if cursor is None:
                with self.connection.cursor() as cursor:
                    rows = self._copy(cursor, sql, send)
            else:
                rows = self._copy(cursor, sql, send)
        if self.progress is not None and (rows % self.chunk_size or not rows):
            self.progress(rows)
        send(self._tail())

    def _copy(self, cursor, sql, send):
        writer = _RowWriter(self, send)
        # JIT compiling this statement's many expressions takes longer than
        # running it (seconds at 100,000 rows). Its three sorts (rows, their
        # authors, their topics) fit in 64 MB at 100,000 rows, instead of
        # spilling to disk with the default 4 MB. No parallel workers: their
        # partial string_aggs would be joined in any order, not the sorted
        # one the names are aggregated in. Nested loops are off since
        # the rows are many (MIN_ROWS): a filter the planner thinks matches
        # a few rows would otherwise have it join the authors and topics
        # once a row, in time growing with the square of the rows.
        cursor.execute(_SET_PLANNER)
        previous = cursor.fetchone()[::2]
        try:
            cursor.copy_expert(sql, writer)
        except BaseException:
            try:
                cursor.execute(_RESTORE_PLANNER, previous)
            except DatabaseError:
                pass  # A failed transaction undoes the settings as it ends.
            raise
        cursor.execute(_RESTORE_PLANNER, previous)
        return writer.finish()

    def stream(self):
        """Yield the text as run() sends it, running COPY in a worker thread.

        The statement and the cursor are made here, on this thread's
        connection (the worker thread would have a connection of its own);
        progress, if given, is called from the worker thread.
        """
        pieces = queue.Queue(maxsize=_QUEUE_BLOCKS)
        stop = threading.Event()
        done = object()
        failure = []

        def send(piece):
            # Once the reader is gone, pieces are dropped rather than raising
            # inside copy_expert(), which would leave the COPY half read.
            while not stop.is_set():
                try:
                    pieces.put(piece, timeout=0.1)
                    return
                except queue.Full:
                    continue

        def work():
            try:
                self.run(send, cursor)
            except BaseException as error:  # raised again by the reader
                failure.append(error)
            finally:
                send(done)

        self._copy_sql()
        cursor = self.connection.cursor()
        worker = threading.Thread(target=work, name="folio-export", daemon=True)
        worker.start()
        try:
            while (piece := pieces.get()) is not done:
                yield piece
            worker.join()
            if failure:
                raise failure[0]
        finally:
            if worker.is_alive():
                # The reader went away: end the statement on the server, so
                # that the connection is free at once, and drop the rest.
                stop.set()
                self.connection.connection.cancel()
                worker.join()
                if failure and self.connection.in_atomic_block:
                    # The cancelled statement failed the transaction.
                    self.connection.needs_rollback = True
            cursor.close()

    def _head(self):
        if self.file_format == "json":
            return "["
        header = io.StringIO()
        if self.byte_order_mark:
            header.write("\ufeff")
        csv.writer(header).writerow(COLUMNS)
        return header.getvalue()

    def _tail(self):
        return "\n]\n" if self.file_format == "json" else ""

    def _copy_sql(self):
        """Return the COPY statement, or None if nothing can match.

        Built once, on first use, with the current time zone, site address
        and URL configuration, as PublicationResource reads them.
        """
        if not hasattr(self, "_sql"):
            self._sql = _copy_statement(self.publications, self.file_format)
        return self._sql


class _RowWriter:
    """The file copy_expert writes to: one call per row, then blocks of text.

    PostgreSQL sends each row of COPY TO as one message ending in a newline
    (the protocol says so, "COPY Operations"), so the line ending is the last
    byte of each write and newlines inside quoted values are never touched.
    """

    def __init__(self, export, send):
        self.send = send
        self.progress = export.progress
        self.chunk_size = export.chunk_size
        self.csv = export.file_format == "csv"
        self.separator = b"\n"  # before the first JSON object, then ",\n"
        self.rows = 0
        self.size = 0
        self.block = []

    def write(self, data):
        self.block.append(data)
        self.size += len(data)
        self.rows += 1
        if self.progress is not None and not self.rows % self.chunk_size:
            self._flush()
            self.progress(self.rows)
        elif self.size > _BLOCK_BYTES:
            self._flush()

    def finish(self):
        self._flush()
        return self.rows

    def _flush(self):
        if not self.block:
            return
        if self.csv:
            # Python's csv module ends rows with CRLF, COPY with LF.
            text = b"".join([row[:-1] + b"\r\n" for row in self.block])
        else:
            text = self.separator + b",\n".join([row[:-1] for row in self.block])
            self.separator = b",\n"
        self.block = []
        self.size = 0
        self.send(text.decode())


def _copy_statement(publications, file_format):
    """Return the COPY ... TO STDOUT statement of *publications*, or None."""
    connection = connections[publications.db]
    ids = publications.values(export_id=F("pk"))
    try:
        inner_sql, inner_params = ids.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return None
    tag_ids, tag_places = _topic_places(publications.db)
    detail_head, detail_tail = _around_slug("publications:publication-detail")
    pdf_head, pdf_tail = _around_slug("publications:report-pdf")
    params = {
        "separator": LIST_SEPARATOR,
        "now": timezone.now(),
        "zone": timezone.get_current_timezone_name(),
        "site": site_url(),
        "detail_head": detail_head,
        "detail_tail": detail_tail,
        "pdf_head": pdf_head,
        "pdf_tail": pdf_tail,
        "tag_ids": tag_ids,
        "tag_places": tag_places,
    }
    if file_format == "csv":
        options = "FORMAT csv"
    else:
        # One value a line, never quoted: JSON text holds no raw control
        # characters, so with control characters as quote and delimiter
        # COPY leaves every line as it is.
        options = "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"
    with connection.cursor() as cursor:
        selected = cursor.mogrify(inner_sql, inner_params).decode()
        query = _query(publications.model, file_format).replace(
            "{selected}", selected.replace("%", "%%")
        )
        statement = f"COPY ({query}) TO STDOUT WITH ({options})"
        return cursor.mogrify(statement, params).decode()


def _around_slug(viewname):
    """Return the path of *viewname* before and after the slug."""
    head, _placeholder, tail = slug_url_function(viewname)(_PLACEHOLDER).partition(
        _PLACEHOLDER
    )
    return head, tail


def _topic_places(using):
    """Return tag ids and their places in str.casefold order, as two lists.

    PostgreSQL 15 has no casefold(), and lower() follows the collation, so
    the order comes from Python; tags with the same folded name share a
    place and keep the order they were added in, as the Python path's
    stable sort of its topics (read in that order) does.
    """
    tags = Tag.objects.using(using).values_list("pk", "name")
    folded = sorted({name.casefold() for _pk, name in tags})
    places = {name: place for place, name in enumerate(folded)}
    pairs = [(pk, places[name.casefold()]) for pk, name in tags]
    return [pk for pk, _place in pairs], [place for _pk, place in pairs]


def _table(model):
    return connections["default"].ops.quote_name(model._meta.db_table)


_TABLES = {
    "publication": _table(Publication),
    "report": _table(Report),
    "related": _table(RelatedPublication),
    "type": _table(PublicationType),
    "series": _table(Series),
    "authorship": _table(Authorship),
    "author": _table(Author),
    "tagged": _table(TaggedPublication),
    "tag": _table(Tag),
}

# The rows of the queryset in its order (row_number() over the ordered
# subquery numbers them as they come), their authors and topics (each list
# aggregated from rows sorted once, rather than with ORDER BY inside
# string_agg, which sorts every row's few names on their own: PostgreSQL
# aggregates rows in the order a sorted subquery gives them), then the
# values in three steps, each computed once a row (OFFSET 0 keeps PostgreSQL
# from pasting an expression into every place that uses it).
_QUERY = """
WITH selected AS MATERIALIZED (
    SELECT q.export_id AS id, row_number() OVER () AS position
    FROM ({selected}) AS q
),
author_names AS (
    SELECT ordered.publication_id, string_agg(ordered.name, %(separator)s) AS names
    FROM (
        SELECT a.publication_id, au.name
        FROM selected s
        JOIN {authorship} a ON a.publication_id = s.id
        JOIN {author} au ON au.id = a.author_id
        ORDER BY a.publication_id, a.position, a.id
    ) AS ordered
    GROUP BY ordered.publication_id
),
topic_order AS MATERIALIZED (
    SELECT tag.id, tag.name, rank.place
    FROM {tag} tag
    LEFT JOIN unnest(%(tag_ids)s::integer[], %(tag_places)s::integer[])
        AS rank (tag_id, place) ON rank.tag_id = tag.id
),
topic_names AS (
    SELECT ordered.content_object_id, string_agg(ordered.name, %(separator)s) AS names
    FROM (
        SELECT t.content_object_id, tag.name
        FROM selected s
        JOIN {tagged} t ON t.content_object_id = s.id
        JOIN topic_order tag ON tag.id = t.tag_id
        ORDER BY t.content_object_id, tag.place, t.id
    ) AS ordered
    GROUP BY ordered.content_object_id
)
SELECT {columns}
FROM selected s
JOIN {publication} p ON p.id = s.id
JOIN {type} ty ON ty.id = p.publication_type_id
LEFT JOIN {report} r ON r.publication_ptr_id = p.id
LEFT JOIN {series} se ON se.id = r.series_id
LEFT JOIN {related} rp ON rp.publication_ptr_id = p.id
LEFT JOIN author_names ON author_names.publication_id = p.id
LEFT JOIN topic_names ON topic_names.content_object_id = p.id
CROSS JOIN LATERAL (
    SELECT p.publish_at AT TIME ZONE %(zone)s AS local_at,
        {quoted_slug} AS quoted_slug,
        {external_url} AS external_url,
        {pdf} AS pdf
    OFFSET 0
) AS step1
CROSS JOIN LATERAL (
    SELECT EXTRACT(EPOCH FROM local_at - (p.publish_at AT TIME ZONE 'UTC'))::integer
            AS offset_seconds,
        CASE WHEN p.kind = '{kind_related}' AND step1.external_url <> ''
            THEN step1.external_url
            ELSE %(detail_head)s || quoted_slug || %(detail_tail)s END AS url_path,
        CASE WHEN p.kind <> '{kind_report}' OR step1.pdf = '' THEN ''
            ELSE %(pdf_head)s || quoted_slug || %(pdf_tail)s END AS pdf_path
    OFFSET 0
) AS step2
CROSS JOIN LATERAL (
    SELECT p.kind,
        ty.name AS type,
        p.number,
        p.title,
        p.slug,
        coalesce(author_names.names, '') AS authors,
        {series_title} AS series,
        coalesce(topic_names.names, '') AS topics,
        CASE WHEN p.status = '{status_draft}' THEN '{draft}'
            WHEN p.publish_at > %(now)s THEN '{scheduled}'
            WHEN p.unpublish_at IS NOT NULL AND p.unpublish_at < %(now)s
                THEN '{expired}'
            ELSE '{live}' END AS status,
        {iso_date} AS publish_date,
        {absolute_url} AS url,
        {absolute_pdf_url} AS pdf_url
    OFFSET 0
) AS v
ORDER BY s.position
"""

# quote(slug, safe="") of urllib.parse, as core.links.slug_url_function()
# applies it: slugs of the usual letters as they are, others byte by byte.
_QUOTED_SLUG = """CASE WHEN p.slug ~ '^[A-Za-z0-9_.~-]*$' THEN p.slug ELSE coalesce((
    SELECT string_agg(CASE WHEN b BETWEEN 48 AND 57 OR b BETWEEN 65 AND 90
            OR b BETWEEN 97 AND 122 OR b IN (45, 46, 95, 126) THEN chr(b)
            ELSE '%%' || upper(lpad(to_hex(b), 2, '0')) END, '' ORDER BY i)
    FROM (SELECT i, get_byte(convert_to(p.slug, 'UTF8'), i) AS b
        FROM generate_series(0, octet_length(convert_to(p.slug, 'UTF8')) - 1)
            AS i) AS slug_bytes
), '') END"""

# core.links.absolute_url().
_ABSOLUTE_URL = """CASE WHEN {path} = '' THEN ''
    WHEN {path} ~ '^[a-zA-Z][a-zA-Z0-9+.-]*://' THEN {path}
    ELSE %(site)s || '/' || ltrim({path}, '/') END"""

# datetime.isoformat() in the current time zone: microseconds only when
# there are some, and the offset's seconds only when there are some (zones
# before 1900 had offsets such as +09:18:59).
_ISO_DATE = """to_char(local_at, 'YYYY-MM-DD"T"HH24:MI:SS')
    || CASE WHEN date_trunc('second', local_at) = local_at THEN ''
        ELSE to_char(local_at, '.US') END
    || CASE WHEN offset_seconds < 0 THEN '-' ELSE '+' END
    || lpad((abs(offset_seconds) / 3600)::text, 2, '0')
    || ':' || lpad((abs(offset_seconds) %% 3600 / 60)::text, 2, '0')
    || CASE WHEN offset_seconds %% 60 = 0 THEN ''
        ELSE ':' || lpad((abs(offset_seconds) %% 60)::text, 2, '0') END"""

# exports.FORMULA_PREFIXES by code point: = + - @ tab and carriage return.
_FORMULA_CODES = ", ".join(str(ord(prefix)) for prefix in FORMULA_PREFIXES)


def _query(model, file_format):
    """Return the SELECT of the export's lines for a queryset of *model*.

    A queryset of reports reads no external URL and one of related
    publications no series or PDF, whatever a row's kind says, as
    resources.export_values() does.
    """
    series = "coalesce(se.title, '')"
    pdf = "coalesce(r.pdf, '')"
    external_url = "coalesce(rp.external_url, '')"
    if issubclass(model, Report):
        external_url = "''"
    elif issubclass(model, RelatedPublication):
        series = pdf = "''"
    if file_format == "csv":
        columns = ",\n    ".join(_csv_value(name) for name in COLUMNS)
    else:
        members = " || ', ' || ".join(
            f"'\"{name}\": ' || {_json_value(name)}" for name in COLUMNS
        )
        columns = f"'{{' || {members} || '}}'"
    return _QUERY.format(
        columns=columns,
        quoted_slug=_QUOTED_SLUG,
        external_url=external_url,
        pdf=pdf,
        series_title=series,
        iso_date=_ISO_DATE,
        absolute_url=_ABSOLUTE_URL.format(path="url_path"),
        absolute_pdf_url=_ABSOLUTE_URL.format(path="pdf_path"),
        selected="{selected}",
        kind_related=Kind.RELATED,
        kind_report=Kind.REPORT,
        status_draft=Status.DRAFT,
        draft=State.DRAFT,
        scheduled=State.SCHEDULED,
        expired=State.EXPIRED,
        live=State.LIVE,
        **_TABLES,
    )


def _csv_value(name):
    if name in ("number", "publish_date"):
        return f"v.{name}"
    # escape_formula(), then NULL for "": COPY writes "" for an empty string
    # and nothing for NULL, and Python's csv writes nothing for "".
    return (
        f"NULLIF(CASE WHEN ascii(v.{name}) IN ({_FORMULA_CODES})"
        f" THEN '''' || v.{name} ELSE v.{name} END, '')"
    )


def _json_value(name):
    # JSON keeps values unchanged; to_json() escapes as Python's json does
    # with ensure_ascii=False.
    if name == "number":
        return "coalesce(v.number::text, 'null')"
    return f"to_json(v.{name})::text"
