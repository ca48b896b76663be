"""The background task that generates report PDFs, and the requests for it.

Each report has one GeneratedPdf row. A request marks it queued with a new
job id and enqueues a task for that job, in the caller's transaction: the
task row (django_tasks_db) commits with the change that asked for it, or
not at all. A task does the work only while its job is still the row's
job; a newer request overtakes it. A failure is tried again later, up to
FOLIO_PDF_ATTEMPTS times, then the row says failed and why.

A worker killed mid-task leaves its job running for ever, so a running job
beats its heart while it renders; requeue_abandoned(), which every worker
runs (run_worker), queues again a job whose heart stopped, and any queued
job whose task is no longer waiting.
"""

import logging
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from publications.models import GeneratedPdf, Report
from publications.pdf.render import media_names, render_pdf, source_hash, source_html

logger = logging.getLogger("folio")

Status = GeneratedPdf.Status
# Seconds before the second try; each later one waits twice as long.
FIRST_RETRY_DELAY = 30


def request_pdf(report_id, *, force=False):
    """Queue the generation of report *report_id*'s PDF; return its GeneratedPdf.

    Runs in the caller's transaction. A job already queued is left alone:
    its task reads the report when it runs. *force* (the admin's
    Regenerate) queues a new job whatever the state, with its tries anew.
    """
    now = timezone.now()
    with transaction.atomic():
        state, created = GeneratedPdf.objects.select_for_update().get_or_create(
            report_id=report_id, defaults={"queued_at": now}
        )
        if state.status == Status.QUEUED and not created and not force:
            return state
        state.attempts = 0
        _queue(state, now=now)
        return state


def _queue(state, *, now, delay=None, error=""):
    """Give *state* a new job and enqueue its task (after *delay*, if given)."""
    state.status = Status.QUEUED
    state.job = uuid.uuid4()
    state.error = error
    state.queued_at = now
    state.started_at = state.heartbeat_at = state.finished_at = None
    run = generate_report_pdf
    if delay is not None:
        run = run.using(run_after=now + delay)
    state.task_id = str(run.enqueue(state.report_id, str(state.job)).id)
    state.save()


@task()
def generate_report_pdf(report_id, job):
    """Generate the PDF of report *report_id* if *job* is still its job."""
    return run_job(report_id, uuid.UUID(job))


def run_job(report_id, job):
    """Claim and run *job*; return what happened, in a word.

    A failure is recorded on the row (and tried again later, up to
    FOLIO_PDF_ATTEMPTS times) and raised, so the task shows it too.
    """
    claimed = GeneratedPdf.objects.filter(
        report_id=report_id, job=job, status=Status.QUEUED
    ).update(
        status=Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return "superseded"
    try:
        with _heartbeat(report_id, job):
            return _generate(report_id, job)
    except Exception as error:
        _failed(report_id, job, error)
        raise


def _generate(report_id, job):
    report = (
        Report.objects.select_related("publication_type")
        .filter(pk=report_id, draft_of=None, status=Report.Status.PUBLISHED)
        .first()
    )
    if report is None:
        # Unpublished since it was asked for: nothing public to make.
        _finish(report_id, job)
        return "unpublished"
    html = source_html(report)
    digest = source_hash(html)
    state = GeneratedPdf.objects.get(report_id=report_id)
    if (
        state.source_hash == digest
        and state.file
        and state.file.storage.exists(state.file.name)
    ):
        _finish(report_id, job)
        return "unchanged"
    started = time.perf_counter()
    pdf, pages = render_pdf(html, media=media_names(report))
    seconds = time.perf_counter() - started
    with transaction.atomic():
        state = (
            GeneratedPdf.objects.select_for_update()
            .filter(report_id=report_id, job=job)
            .first()
        )
        if state is None:
            return "superseded"
        # The file it replaces is removed once this commits (core.media_files).
        state.file.save(f"{report.slug}.pdf", ContentFile(pdf), save=False)
        state.source_hash = digest
        state.pages = pages
        state.render_seconds = round(seconds, 3)
        state.status = Status.DONE
        state.error = ""
        state.finished_at = timezone.now()
        state.save()
    logger.info("Generated the PDF of %s: %d pages in %.1f s", report, pages, seconds)
    return "generated"


def _finish(report_id, job):
    GeneratedPdf.objects.filter(report_id=report_id, job=job).update(
        status=Status.DONE, error="", finished_at=timezone.now()
    )


def _failed(report_id, job, error):
    reason = f"{type(error).__name__}: {error}"[:2000]
    now = timezone.now()
    with transaction.atomic():
        state = (
            GeneratedPdf.objects.select_for_update()
            .filter(report_id=report_id, job=job)
            .first()
        )
        if state is None:
            return
        if state.attempts < settings.FOLIO_PDF_ATTEMPTS:
            delay = timedelta(seconds=FIRST_RETRY_DELAY * 2 ** (state.attempts - 1))
            _queue(state, now=now, delay=delay, error=reason)
        else:
            state.status = Status.FAILED
            state.error = reason
            state.finished_at = now
            state.save()
    logger.warning("Generating the PDF of report %s failed: %s", report_id, reason)


@contextmanager
def _heartbeat(report_id, job):
    """Move the job's heartbeat on from another thread while the block runs."""
    if connection.in_atomic_block:
        # Called inside a transaction (tests): another connection would
        # wait for its locks. A worker runs each task outside one.
        yield
        return
    stop = threading.Event()
    interval = settings.FOLIO_PDF_HEARTBEAT_SECONDS

    def beat():
        try:
            while not stop.wait(interval):
                GeneratedPdf.objects.filter(report_id=report_id, job=job).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name="pdf-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def requeue_abandoned(*, now=None):
    """Queue again the jobs stopped workers left; return how many.

    A running job whose heartbeat is three intervals old belongs to a
    worker that is gone; a queued job whose task no longer waits (pruned,
    or lost) would wait for ever.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=3 * settings.FOLIO_PDF_HEARTBEAT_SECONDS)
    stalled = GeneratedPdf.objects.filter(
        status=Status.RUNNING, heartbeat_at__lt=cutoff
    ).values_list("report_id", flat=True)
    queued = dict(
        GeneratedPdf.objects.filter(
            status=Status.QUEUED, queued_at__lt=cutoff
        ).values_list("task_id", "report_id")
    )
    waiting = {
        str(task_id)
        for task_id in DBTaskResult.objects.filter(
            id__in=[task_id for task_id in queued if task_id],
            status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
        ).values_list("id", flat=True)
    }
    lost = [
        report_id for task_id, report_id in queued.items() if task_id not in waiting
    ]
    count = 0
    for report_id in {*stalled, *lost}:
        with transaction.atomic():
            state = (
                GeneratedPdf.objects.select_for_update()
                .filter(report_id=report_id, status__in=(Status.QUEUED, Status.RUNNING))
                .first()
            )
            if state is None:
                continue
            if state.status == Status.RUNNING:
                if state.heartbeat_at is None or state.heartbeat_at >= cutoff:
                    continue
                DBTaskResult.objects.filter(
                    id=state.task_id, status=TaskResultStatus.RUNNING
                ).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path="publications.pdf.jobs.WorkerStopped",
                    traceback="The worker stopped while running this task.",
                )
            _queue(
                state,
                now=now,
                error="The worker stopped before it was done; queued again.",
            )
            count += 1
    return count


def requeue_abandoned_forever(stop, *, interval=None):
    """Run requeue_abandoned() every *interval* seconds until *stop* is set."""
    interval = interval or settings.FOLIO_PDF_HEARTBEAT_SECONDS
    while not stop.wait(interval):
        try:
            requeued = requeue_abandoned()
        except Exception:
            logger.exception("Could not look for abandoned PDF jobs")
        else:
            if requeued:
                logger.warning("Queued again %d PDF jobs of stopped workers", requeued)
        finally:
            close_old_connections()
    connection.close()
