"""Ask for a new PDF whenever what a published report's PDF shows changes.

Each receiver runs in the transaction of the change, so the request (a
queued task) commits with it or not at all. Drafts, and drafts of
published items, ask for nothing; a scheduled report's PDF is made ahead
and served once it is live. Changes no receiver sees (a setting, a
template) still never reach a reader: a PDF is served only while its
source matches the report's (publications.detail_views.report_pdf).
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from authors.models import Author
from publications.models import (
    Authorship,
    Publication,
    Report,
    SummaryPoint,
    TaggedPublication,
)
from publications.pdf.jobs import request_pdf


def _published_reports():
    return Report.objects.filter(status=Publication.Status.PUBLISHED, draft_of=None)


def _report_saved(sender, instance, raw=False, **kwargs):
    is_published = (
        instance.status == Publication.Status.PUBLISHED and instance.draft_of_id is None
    )
    if not raw and is_published:
        request_pdf(instance.pk)


def _request_if_published(report_id):
    if _published_reports().filter(pk=report_id).exists():
        request_pdf(report_id)


def _part_saved(report_field):
    """Return a receiver for saved rows a report's PDF shows."""

    def receiver(sender, instance, raw=False, **kwargs):
        if not raw:
            _request_if_published(getattr(instance, report_field))

    return receiver


def _part_deleted(report_field):
    """Return a receiver for deleted rows a report's PDF shows.

    It asks once the deletion commits: the report may be going too, in
    the same cascade, and a request for it would then hold a row naming a
    report that is gone.
    """

    def receiver(sender, instance, **kwargs):
        report_id = getattr(instance, report_field)
        transaction.on_commit(partial(_request_if_published, report_id), robust=True)

    return receiver


def _topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    ids = pk_set or () if reverse else [instance.pk]
    for report_id in (
        _published_reports().filter(pk__in=ids).values_list("pk", flat=True)
    ):
        request_pdf(report_id)


def _author_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    reports = _published_reports().filter(authorships__author=instance)
    for report_id in reports.values_list("pk", flat=True).distinct():
        request_pdf(report_id)


def connect():
    """Connect the receivers (from PublicationsConfig.ready)."""
    uid = "folio-report-pdf"
    post_save.connect(_report_saved, sender=Report, dispatch_uid=uid)
    parts = (
        (SummaryPoint, "report_id"),
        (Authorship, "publication_id"),
        (TaggedPublication, "content_object_id"),
    )
    for model, field in parts:
        post_save.connect(
            _part_saved(field), sender=model, dispatch_uid=uid, weak=False
        )
        post_delete.connect(
            _part_deleted(field), sender=model, dispatch_uid=uid, weak=False
        )
    m2m_changed.connect(_topics_changed, sender=TaggedPublication, dispatch_uid=uid)
    post_save.connect(_author_saved, sender=Author, dispatch_uid=uid)
