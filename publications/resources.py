"""The export columns: one definition for the admin, the staff page and the command.

Rows are read as plain values, chunk by chunk, never as model instances:
building a model instance for every publication, author and topic costs
more than everything else an export does (see bench/export.py).
"""

import json
from collections import defaultdict, namedtuple
from itertools import batched

from django.db.models import F, Lookup, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from import_export import fields, resources

from core.links import absolute_url, slug_url_function
from publications.models import (
    Authorship,
    Publication,
    RelatedPublication,
    Report,
    SummaryPoint,
    TaggedPublication,
)

# Header names, in order; issue 5 fixes both.
COLUMNS = (
    "kind",
    "type",
    "number",
    "title",
    "slug",
    "authors",
    "series",
    "topics",
    "status",
    "publish_date",
    "url",
    "pdf_url",
)
# What an export "with content" adds after COLUMNS: the optional columns an
# import reads (publications.imports.cells), so that a round trip keeps
# everything publishing needs. Summary points are one a line.
CONTENT_COLUMNS = ("teaser", "about", "body", "summary_points", "unpublish_date")
SUMMARY_SEPARATOR = "\n"
CHUNK_SIZE = 2000
# The views an export links to, by the rows' link_for().
_LINK_VIEWS = ("publications:publication-detail", "publications:report-pdf")
LIST_SEPARATOR = "; "
# What the main query reads for each publication, after its primary key.
_VALUES = (
    "kind",
    "publication_type__name",
    "number",
    "title",
    "slug",
    "status",
    "publish_at",
    "unpublish_at",
    "export_series",
    "export_pdf",
    "export_external_url",
)
# What an export with content reads too, after _VALUES.
_CONTENT_VALUES = ("teaser", "export_about", "export_body")


class ExportRow(
    namedtuple(
        "ExportRow",
        (
            "kind",
            "type_name",
            "number",
            "title",
            "slug",
            "status",
            "publish_at",
            "unpublish_at",
            "series",
            "pdf",
            "external_url",
            "author_names",
            "topic_names",
            "links",
            "teaser",
            "about",
            "body",
            "summary_points",
        ),
        defaults=("", "", "", ()),
    )
):
    """One publication as the columns read it.

    *links* maps the view names of link_for() to functions of a slug, shared
    by the rows of one export. The content fields are read only for an
    export with content.
    """

    __slots__ = ()
    Status = Publication.Status
    Kind = Publication.Kind
    publication_kind = None
    # The model's own rules, so draft, scheduled, live and expired, where an
    # item links and its PDF's address are decided in one place; they read
    # only status, publish_at, unpublish_at, kind, slug, pdf and external_url.
    state = Publication.state
    public_url = Publication.public_url
    pdf_url = Publication.pdf_url
    get_absolute_url = Publication.get_absolute_url

    @property
    def specific(self):
        return self

    def link_for(self, viewname):
        return self.links[viewname](self.slug)


def export_columns(*, with_content=False):
    """Return the header of an export, with the content columns if asked."""
    return (*COLUMNS, *CONTENT_COLUMNS) if with_content else COLUMNS


def export_values(publications, *, with_content=False):
    """Return *publications* as value rows: the primary key, then _VALUES.

    With *with_content*, _CONTENT_VALUES follow. Works on Publication,
    Report and RelatedPublication querysets, keeping their filters and order.
    """
    model = publications.model
    if issubclass(model, Report):
        extra = {
            "export_series": F("series__title"),
            "export_pdf": F("pdf"),
            "export_external_url": Value(""),
        }
        content = {"export_about": F("about"), "export_body": F("body")}
    elif issubclass(model, RelatedPublication):
        extra = {
            "export_series": Value(""),
            "export_pdf": Value(""),
            "export_external_url": F("external_url"),
        }
        content = {"export_about": Value(""), "export_body": F("body")}
    else:
        extra = {
            "export_series": F("report__series__title"),
            "export_pdf": F("report__pdf"),
            "export_external_url": F("relatedpublication__external_url"),
        }
        content = {
            "export_about": F("report__about"),
            "export_body": Coalesce(F("report__body"), F("relatedpublication__body")),
        }
    names = _VALUES
    if with_content:
        extra |= content
        names = (*_VALUES, *_CONTENT_VALUES)
    return (
        publications.select_related(None)
        .prefetch_related(None)
        .annotate(**extra)
        .values_list("pk", *names)
    )


def read_export_rows(
    publications, *, chunk_size=CHUNK_SIZE, progress=None, with_content=False
):
    """Yield an ExportRow per publication, reading *chunk_size* rows at a time.

    Each chunk costs two more queries, for its authors (in order) and its
    topics, whatever its size, and with *with_content* a third for its
    summary points. *progress*, if given, is called with the number of rows
    read after each chunk.
    """
    rows = export_values(publications, with_content=with_content).iterator(
        chunk_size=chunk_size
    )
    links = {name: slug_url_function(name) for name in _LINK_VIEWS}
    done = 0
    for chunk in batched(rows, chunk_size):
        ids = [row[0] for row in chunk]
        authors = _group(
            Authorship.objects.using(publications.db)
            .filter(_InIds(F("publication_id"), ids))
            .values_list("publication_id", "author__name")
        )
        topics = _group(
            TaggedPublication.objects.using(publications.db)
            .filter(_InIds(F("content_object_id"), ids))
            .order_by("pk")
            .values_list("content_object_id", "tag__name")
        )
        points = {}
        if with_content:
            points = _group(
                SummaryPoint.objects.using(publications.db)
                .filter(_InIds(F("report_id"), ids))
                .values_list("report_id", "text")
            )
        size = len(_VALUES)
        for pk, *values in chunk:
            yield ExportRow(
                *values[:size],
                authors.get(pk, ()),
                sorted(topics.get(pk, ()), key=str.casefold),
                links,
                *values[size:],
                points.get(pk, ()),
            )
        done += len(chunk)
        if progress is not None:
            progress(done)
    if progress is not None and not done:
        progress(0)


class _InIds(Lookup):
    """``column IN ids``, with the ids as one parameter where possible.

    Django gives each id of an IN list its own parameter, and for a chunk of
    2,000 ids that costs more than running the query (bench/export.py).
    """

    lookup_name = "in_ids"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", (*params, *self.rhs)

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, list(self.rhs))

    def as_sqlite(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"
        return sql, (*params, json.dumps(self.rhs))


def _group(pairs):
    grouped = defaultdict(list)
    for publication_id, name in pairs:
        grouped[publication_id].append(name)
    return grouped


class PublicationResource(resources.ModelResource):
    """The columns of every publication export, as native values.

    Values are str, int, None or an aware datetime in the site's time zone;
    publications/exports.py turns them into cells for each format. Rows are
    ExportRows, read by ``iter_queryset``, so ``export()`` works as well.
    """

    kind = fields.Field(column_name="kind")
    type = fields.Field(column_name="type")
    number = fields.Field(column_name="number")
    title = fields.Field(column_name="title")
    slug = fields.Field(column_name="slug")
    authors = fields.Field(column_name="authors")
    series = fields.Field(column_name="series")
    topics = fields.Field(column_name="topics")
    status = fields.Field(column_name="status")
    publish_date = fields.Field(column_name="publish_date")
    url = fields.Field(column_name="url")
    pdf_url = fields.Field(column_name="pdf_url")

    class Meta:
        model = Publication
        fields = COLUMNS
        export_order = COLUMNS
        chunk_size = CHUNK_SIZE

    def __init__(self, *, now=None, with_content=False, **kwargs):
        super().__init__(**kwargs)
        # One instant and one time zone for the whole file.
        self.now = now or timezone.now()
        self.time_zone = timezone.get_current_timezone()
        self._getters = [
            getattr(self, f"dehydrate_{name}")
            for name in export_columns(with_content=with_content)
        ]

    def iter_queryset(self, queryset):
        return read_export_rows(queryset, chunk_size=self.get_chunk_size())

    def export_resource(self, instance, selected_fields=None, **kwargs):
        if selected_fields:
            return super().export_resource(instance, selected_fields, **kwargs)
        # The dehydrate methods, looked up once rather than per cell.
        return [getter(instance) for getter in self._getters]

    def dehydrate_kind(self, row):
        return row.kind

    def dehydrate_type(self, row):
        return row.type_name

    def dehydrate_number(self, row):
        return row.number

    def dehydrate_title(self, row):
        return row.title

    def dehydrate_slug(self, row):
        return row.slug

    def dehydrate_authors(self, row):
        return LIST_SEPARATOR.join(row.author_names)

    def dehydrate_series(self, row):
        return row.series or ""

    def dehydrate_topics(self, row):
        return LIST_SEPARATOR.join(row.topic_names)

    def dehydrate_status(self, row):
        return row.state(now=self.now)

    def dehydrate_publish_date(self, row):
        return row.publish_at.astimezone(self.time_zone)

    def dehydrate_url(self, row):
        return absolute_url(row.public_url)

    def dehydrate_pdf_url(self, row):
        return absolute_url(row.pdf_url)

    # The content columns, written as the import reads them back.

    def dehydrate_teaser(self, row):
        return row.teaser

    def dehydrate_about(self, row):
        return row.about or ""

    def dehydrate_body(self, row):
        return row.body or ""

    def dehydrate_summary_points(self, row):
        return SUMMARY_SEPARATOR.join(row.summary_points)

    def dehydrate_unpublish_date(self, row):
        if row.unpublish_at is None:
            return None
        return row.unpublish_at.astimezone(self.time_zone)
