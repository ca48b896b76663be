"""What OAI-PMH harvesters see: live publications, and those gone since.

A live publication is a record with its Dublin Core metadata. One that was
public once and is not any more (expired, unpublished, deleted) is a deleted
record: its header alone. One that never went live never appears.
"""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from opendata.models import WithdrawnRecord
from opendata.sets import (
    SERIES_SET,
    TYPE_SET,
    series_set_spec,
    set_spec_fragment,
    type_set_spec,
)
from publications.models import Publication
from publications.selectors import live_series, live_types, with_card_relations

_IDENTIFIER_PATH = "publication/"


@dataclass
class OaiRecord:
    """One record: its header, and the publication unless it is deleted."""

    pk: int
    datestamp: datetime
    set_specs: list = field(default_factory=list)
    publication: Publication | None = None

    @property
    def is_deleted(self):
        return self.publication is None

    @property
    def identifier(self):
        return record_identifier(self.pk)


def repository_domain():
    """Return the host of FOLIO_SITE_URL: the namespace of record identifiers."""
    return urlsplit(settings.FOLIO_SITE_URL).hostname or "localhost"


def record_identifier(pk):
    """Return the OAI identifier of publication *pk*."""
    return f"oai:{repository_domain()}:{_IDENTIFIER_PATH}{pk}"


def publication_pk(identifier):
    """Return the publication id in *identifier*, or None if it names none."""
    prefix = f"oai:{repository_domain()}:{_IDENTIFIER_PATH}"
    number = identifier[len(prefix) :] if identifier.startswith(prefix) else ""
    if not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return int(number)


def _live_records(*, now):
    return (
        with_card_relations(Publication.objects.live(now=now))
        .select_related("report__series")
        # Records never show these; the text of a PDF can be megabytes.
        .defer("report__about", "report__body", "report__pdf_text")
        .annotate(datestamp=Greatest("updated_at", "publish_at"))
    )


def _expired_records(*, now):
    # An expired item left at its unpublish date, or later if an editor
    # withdrew it by hand (the record was written then).
    withdrawn_at = WithdrawnRecord.objects.filter(publication_id=OuterRef("pk")).values(
        "withdrawn_at"
    )
    return (
        Publication.objects.expired(now=now)
        .select_related("publication_type", "report__series")
        .only(
            "pk",
            "kind",
            "unpublish_at",
            "publication_type__slug",
            "report__series__slug",
        )
        .annotate(
            datestamp=Greatest(
                "unpublish_at",
                Coalesce(
                    Subquery(withdrawn_at, output_field=DateTimeField()),
                    F("unpublish_at"),
                ),
            )
        )
    )


def _withdrawn_records(*, now):
    """Return withdrawn records of items neither live nor expired now."""
    # Live or expired is published and past the publish date (an unpublish
    # date comes after it). Looked up by primary key per withdrawn record.
    shown = Publication.objects.filter(
        pk=OuterRef("publication_id"),
        status=Publication.Status.PUBLISHED,
        publish_at__lte=now,
    )
    return WithdrawnRecord.objects.filter(~Exists(shown)).annotate(
        datestamp=F("withdrawn_at")
    )


def _publication_set_filter(set_spec):
    if set_spec == TYPE_SET:
        return Q()
    if set_spec == SERIES_SET:
        return Q(report__series__isnull=False)
    kind, _colon, slug = set_spec.partition(":")
    if kind == TYPE_SET:
        return Q(publication_type__slug=slug)
    if kind == SERIES_SET:
        return Q(report__series__slug=slug)
    return Q(pk__in=[])


def _publication_specs(publication):
    specs = [type_set_spec(publication.publication_type.slug)]
    report = (
        getattr(publication, "report", None) if publication.kind == "report" else None
    )
    if report is not None and report.series_id is not None:
        specs.append(series_set_spec(report.series.slug))
    return sorted(specs)


def _narrowed(records, *, after, since, until, set_spec, limit, publications=True):
    records = records.filter(
        **{"pk__gt" if publications else "publication_id__gt": after}
    )
    if since is not None:
        records = records.filter(datestamp__gte=since)
    if until is not None:
        records = records.filter(datestamp__lte=until)
    if set_spec:
        if publications:
            records = records.filter(_publication_set_filter(set_spec))
        else:
            records = records.filter(set_specs__contains=set_spec_fragment(set_spec))
    order = "pk" if publications else "publication_id"
    return list(records.order_by(order)[:limit])


def records_page(*, after=0, since=None, until=None, set_spec=None, limit, now=None):
    """Return up to *limit* records with ids above *after*, in id order.

    *since* and *until* bound the datestamps (inclusive); *set_spec* names
    a set (see opendata.sets). Three queries, and the two of a live
    publication's card relations, whatever *limit*.
    """
    now = now or timezone.now()
    bounds = {"after": after, "since": since, "until": until, "set_spec": set_spec}
    live = _narrowed(_live_records(now=now), limit=limit, **bounds)
    expired = _narrowed(_expired_records(now=now), limit=limit, **bounds)
    withdrawn = _narrowed(
        _withdrawn_records(now=now), limit=limit, publications=False, **bounds
    )
    records = [
        OaiRecord(p.pk, p.datestamp, _publication_specs(p), publication=p) for p in live
    ]
    records += [OaiRecord(p.pk, p.datestamp, _publication_specs(p)) for p in expired]
    records += [
        OaiRecord(w.publication_id, w.datestamp, w.set_specs.split()) for w in withdrawn
    ]
    records.sort(key=lambda record: record.pk)
    return records[:limit]


def record_for(pk, *, now=None):
    """Return the record of publication *pk*, or None if it has none."""
    page = records_page(after=pk - 1, limit=1, now=now)
    return page[0] if page and page[0].pk == pk else None


def earliest_datestamp(*, now=None):
    """Return a moment no later than any record's datestamp."""
    now = now or timezone.now()
    candidates = [
        Publication.objects.filter(status=Publication.Status.PUBLISHED)
        .filter(publish_at__lte=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first(),
        WithdrawnRecord.objects.order_by("withdrawn_at")
        .values_list("withdrawn_at", flat=True)
        .first(),
    ]
    return min((moment for moment in candidates if moment), default=now)


def oai_sets(*, now=None):
    """Return (set spec, set name) of every set with something live in it."""
    sets = [(TYPE_SET, "Publication types"), (SERIES_SET, "Series")]
    sets += [(type_set_spec(row["slug"]), row["name"]) for row in live_types(now=now)]
    sets += [
        (series_set_spec(series.slug), series.title)
        for series in live_series(now=now).only("slug", "title")
    ]
    return sets
