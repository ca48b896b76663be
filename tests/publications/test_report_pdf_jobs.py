"""When a report's PDF is asked for, and how its jobs run, fail and recover."""

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from publications.drafts import draft_for, publish_draft
from publications.models import GeneratedPdf, SummaryPoint
from publications.pdf import jobs
from publications.pdf.jobs import request_pdf, requeue_abandoned, run_job
from tests.factories import make_author, make_report, make_user

pytestmark = pytest.mark.django_db

Status = GeneratedPdf.Status


def _tasks_for(report):
    return DBTaskResult.objects.filter(
        task_path="publications.pdf.jobs.generate_report_pdf",
        args_kwargs__args__0=report.pk,
    )


def _state(report):
    return GeneratedPdf.objects.get(report=report)


def test_publishing_a_report_queues_its_pdf_in_the_same_transaction():
    report = make_report()
    state = _state(report)
    assert state.status == Status.QUEUED
    task = _tasks_for(report).get()
    assert str(task.id) == state.task_id
    assert task.args_kwargs["args"] == [report.pk, str(state.job)]


def test_drafts_ask_for_no_pdf():
    report = make_report(published=False)
    SummaryPoint.objects.create(report=report, text="Another point.")
    report.title = "Changed"
    report.save()
    assert not GeneratedPdf.objects.filter(report=report).exists()
    assert not _tasks_for(report).exists()


def test_a_draft_of_a_live_report_asks_for_nothing_until_it_is_published():
    live = make_report()
    GeneratedPdf.objects.filter(report=live).update(status=Status.DONE)
    draft = draft_for(live)
    draft.title = "New title"
    draft.save()
    SummaryPoint.objects.create(report=draft, text="A new point.")
    assert _state(live).status == Status.DONE
    assert not GeneratedPdf.objects.filter(report=draft).exists()
    tasks = _tasks_for(live).count()

    publish_draft(draft)
    assert _state(live).status == Status.QUEUED
    assert _tasks_for(live).count() == tasks + 1


def test_changes_to_what_the_pdf_shows_ask_for_a_new_one():
    author = make_author(name="Ann Author")
    report = make_report(authors=(author,))
    changes = [
        lambda: SummaryPoint.objects.create(report=report, text="One more."),
        lambda: report.tags.add("A new topic"),
        lambda: (setattr(author, "bio", "<p>New bio.</p>"), author.save()),
    ]
    for change in changes:
        GeneratedPdf.objects.filter(report=report).update(status=Status.DONE)
        change()
        assert _state(report).status == Status.QUEUED


def test_one_queued_job_serves_every_request_until_it_runs():
    report = make_report()
    job = _state(report).job
    request_pdf(report.pk)
    SummaryPoint.objects.create(report=report, text="Another point.")
    assert _state(report).job == job
    assert _tasks_for(report).count() == 1


def test_a_job_overtaken_by_a_newer_request_does_nothing(monkeypatch):
    report = make_report()
    old_job = _state(report).job
    request_pdf(report.pk, force=True)
    monkeypatch.setattr(jobs, "render_pdf", pytest.fail)
    assert run_job(report.pk, old_job) == "superseded"
    assert _state(report).status == Status.QUEUED


def test_a_failure_is_tried_again_later_then_recorded_with_its_reason(
    monkeypatch, settings
):
    settings.FOLIO_PDF_ATTEMPTS = 2

    def broken(html, **kwargs):
        raise RuntimeError("pango is missing")

    monkeypatch.setattr(jobs, "render_pdf", broken)
    report = make_report()
    first_job = _state(report).job
    with pytest.raises(RuntimeError):
        run_job(report.pk, first_job)
    state = _state(report)
    assert (state.status, state.attempts) == (Status.QUEUED, 1)
    assert state.error == "RuntimeError: pango is missing"
    retry = DBTaskResult.objects.get(id=state.task_id)
    assert retry.run_after > timezone.now() + timedelta(seconds=20)

    with pytest.raises(RuntimeError):
        run_job(report.pk, state.job)
    state = _state(report)
    assert (state.status, state.attempts) == (Status.FAILED, 2)
    assert state.error == "RuntimeError: pango is missing"


def test_a_job_whose_worker_stopped_is_queued_again(settings):
    settings.FOLIO_PDF_HEARTBEAT_SECONDS = 10
    report = make_report()
    state = _state(report)
    task = DBTaskResult.objects.get(id=state.task_id)
    task.claim("gone-worker")
    long_ago = timezone.now() - timedelta(seconds=31)
    GeneratedPdf.objects.filter(report=report).update(
        status=Status.RUNNING, heartbeat_at=long_ago, queued_at=long_ago
    )
    beating = make_report()
    GeneratedPdf.objects.filter(report=beating).update(
        status=Status.RUNNING, heartbeat_at=timezone.now(), queued_at=long_ago
    )

    assert requeue_abandoned() == 1
    requeued = _state(report)
    assert requeued.status == Status.QUEUED and requeued.job != state.job
    assert "worker stopped" in requeued.error
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert _state(beating).status == Status.RUNNING


def test_a_queued_job_whose_task_is_gone_is_queued_again():
    report = make_report()
    DBTaskResult.objects.filter(id=_state(report).task_id).delete()
    GeneratedPdf.objects.filter(report=report).update(
        queued_at=timezone.now() - timedelta(minutes=5)
    )
    assert requeue_abandoned() == 1
    assert DBTaskResult.objects.filter(id=_state(report).task_id).exists()


def test_the_admin_shows_the_state_and_regenerates(client):
    report = make_report()
    GeneratedPdf.objects.filter(report=report).update(
        status=Status.FAILED, error="RuntimeError: pango is missing"
    )
    client.force_login(make_user(role="Editors"))
    change = client.get(reverse("admin:publications_report_change", args=[report.pk]))
    page = change.content.decode()
    assert "Failed" in page and "RuntimeError: pango is missing" in page
    assert f"/publications/{report.slug}/pdf/?preview" in page

    response = client.post(
        reverse("admin:publications_report_changelist"),
        {"action": "regenerate_pdf", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "will be made again shortly" in response.content.decode()
    state = _state(report)
    assert (state.status, state.error) == (Status.QUEUED, "")
