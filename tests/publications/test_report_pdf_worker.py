"""The real worker, killed and started again; and the time a long report takes.

The worker runs as `manage.py run_worker` in its own process against the
test database: PostgreSQL's test database on a PostgreSQL run, a SQLite
file of its own on a SQLite run (the suite's SQLite database lives in
memory, out of another process's reach).
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from publications.models import GeneratedPdf, Report
from publications.pdf.jobs import request_pdf, run_job
from tests.factories import make_report
from tests.subprocesses import PROJECT_DIR


# Twelve paragraphs under a heading: about 1.1 pages.
def _body(parts):
    return "".join(
        f"<h2>Part {part}</h2>"
        + "".join(
            f"<p>Paragraph {part}.{n}: local agreements were reached, written down "
            "and monitored by both sides, and most of them held for months, long "
            "enough for the national talks to build on what they had achieved.</p>"
            for n in range(12)
        )
        for part in range(1, parts + 1)
    )


# About 22 pages: long enough to kill the worker while it sets them.
LONG_BODY = _body(20)
TIMEOUT = 120


class Worker:
    """A `manage.py run_worker` process, stopped by its process id."""

    def __init__(self, env, log):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "-v",
                "2",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)


@pytest.fixture
def workers(tmp_path):
    """Start workers with a one-second heartbeat; stop every one at the end."""
    started = []
    log = (tmp_path / "worker.log").open("w")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "FOLIO_PDF_HEARTBEAT_SECONDS": "1",
    }

    def start(database_url):
        worker = Worker({**env, "DATABASE_URL": database_url}, log)
        started.append(worker)
        return worker

    start.log = tmp_path / "worker.log"
    start.private = tmp_path / "private"
    yield start
    for worker in started:
        worker.kill()
    log.close()


def _wait_for(read_status, wanted, log):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if read_status() == wanted:
            return
        time.sleep(0.05)
    pytest.fail(f"no {wanted!r} within {TIMEOUT} s; worker log:\n{log.read_text()}")


def _kill_before_claim_and_mid_task_then_finish(start, database_url, read):
    """Kill a worker before it claims, one mid-task; a third makes the PDF."""
    early = start(database_url)
    early.kill(signal.SIGTERM)  # long before Django has even loaded
    assert read("pdf") == ("queued",) and read("task") == ("READY",)

    mid_task = start(database_url)
    _wait_for(lambda: read("pdf")[0], "running", start.log)
    mid_task.kill()
    assert read("pdf")[0] == "running" and read("task") == ("RUNNING",)

    start(database_url)
    _wait_for(lambda: read("pdf")[0], "done", start.log)
    status, name, pages = read("pdf")
    assert pages >= 20
    assert (start.private / name).read_bytes().startswith(b"%PDF-")
    assert "worker stopped" not in read("error")[0]  # cleared by the success


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker shares the PostgreSQL test database; on SQLite the next "
    "test restarts it on a database file of its own",
)
def test_a_pdf_survives_worker_restarts_on_postgresql(workers):
    report = make_report(title="A Long Report", body=LONG_BODY)
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    state = GeneratedPdf.objects.get(report=report)

    def read(what):
        state.refresh_from_db()
        if what == "pdf":
            return (
                (state.status, state.file.name, state.pages)
                if state.file
                else (state.status,)
            )
        if what == "error":
            return (state.error,)
        from django_tasks_db.models import DBTaskResult

        return (DBTaskResult.objects.get(id=state.task_id).status,)

    _kill_before_claim_and_mid_task_then_finish(workers, database_url, read)


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="on PostgreSQL the test above restarts the worker on the test database",
)
def test_a_pdf_survives_worker_restarts_on_a_sqlite_file(workers, tmp_path):
    database = tmp_path / "folio.sqlite3"
    database_url = f"sqlite:///{database}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url,
    }
    setup = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from tests.factories import make_report\n"
        "from tests.publications.test_report_pdf_worker import LONG_BODY\n"
        "make_report(title='A Long Report', body=LONG_BODY)\n"
    )
    subprocess.run(
        [sys.executable, "-c", setup], cwd=PROJECT_DIR, env=env, check=True, timeout=300
    )

    def read(what):
        with sqlite3.connect(database, timeout=30) as db:
            if what == "task":
                return db.execute(
                    "SELECT t.status FROM django_tasks_database_dbtaskresult t JOIN "
                    "publications_generatedpdf p ON replace(p.task_id, '-', '') = t.id"
                ).fetchone()
            if what == "error":
                return db.execute(
                    "SELECT error FROM publications_generatedpdf"
                ).fetchone()
            status, name, pages = db.execute(
                "SELECT status, file, pages FROM publications_generatedpdf"
            ).fetchone()
            return (status, name, pages) if name else (status,)

    _kill_before_claim_and_mid_task_then_finish(workers, database_url, read)


@pytest.mark.django_db
def test_fifty_summary_points_and_a_hundred_pages_render_in_under_20_seconds():
    report = make_report(
        title="The Long Report",
        summary_points=[
            f"Finding number {n}: what the evidence shows." for n in range(50)
        ],
        body=_body(95),
    )
    state = request_pdf(report.pk)
    wall, cpu = time.perf_counter(), time.process_time()
    assert run_job(report.pk, state.job) == "generated"
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    state.refresh_from_db()
    print(f"\n{state.pages} pages: {wall:.1f} s wall, {cpu:.1f} s CPU")
    assert state.pages >= 105  # cover and front matter, then 100 pages of text
    # CPU time: on a busy shared machine the wall clock also counts the
    # time other processes had the cores.
    assert cpu < 20
    assert Report.objects.get(pk=report.pk).summary_points.count() == 50
    assert Path(state.file.path).stat().st_size > 100_000
