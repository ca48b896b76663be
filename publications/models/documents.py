"""The PDF Folio typesets from a report's web version (publications.pdf)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.media_files import track_files
from core.uploads import RandomUploadPath, private_storage
from publications.models.kinds import Report


class GeneratedPdf(models.Model):
    """A report's generated PDF and the state of the task that makes it.

    The file is served only while ``source_hash`` is that of what the report
    says now (publications.pdf.render.source_hash): a change makes it stale
    at once, whether or not the regeneration has run yet.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    report = models.OneToOneField(
        Report,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="generated_pdf",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # The job the current task runs: a task whose job is no longer this one
    # was overtaken by a newer request and does nothing.
    job = models.UUIDField(default=uuid.uuid4)
    # The queued task (django_tasks_db) running the job, for the admin.
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("last error"), blank=True)
    file = models.FileField(
        upload_to=RandomUploadPath("generated-pdfs"),
        storage=private_storage,
        blank=True,
    )
    source_hash = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True)
    render_seconds = models.FloatField(null=True)
    queued_at = models.DateTimeField(null=True)
    started_at = models.DateTimeField(null=True)
    # Moved on by the worker while it renders; a running job whose heartbeat
    # stopped belongs to a worker that died (publications.pdf.jobs).
    heartbeat_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("generated PDF")
        verbose_name_plural = _("generated PDFs")
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self):
        return f"PDF of report {self.report_id} ({self.get_status_display()})"


# Removed from storage when replaced or when its report goes (core.media_files).
track_files(GeneratedPdf)
