"""Run the background tasks (report PDFs) queued in the site's database.

django_tasks_db's db_worker, plus what it leaves out: a job whose worker
was killed mid-task is queued again (publications.pdf.jobs), once at start
and then every FOLIO_PDF_HEARTBEAT_SECONDS while the worker runs.
"""

import os
import threading

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from publications.pdf.jobs import requeue_abandoned, requeue_abandoned_forever


class Command(DbWorkerCommand):
    help = (
        "Run the queued background tasks, such as report PDFs; queue again "
        "those a stopped worker left."
    )

    def handle(self, *args, **options):
        is_reloader = (
            options["reload"]
            and not options["batch"]
            and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        )
        if is_reloader:
            # The process that only restarts the worker on code changes.
            return super().handle(*args, **options)
        requeued = requeue_abandoned()
        if requeued and options["verbosity"]:
            self.stdout.write(f"Queued again {requeued} PDF jobs of stopped workers.")
        stop = threading.Event()
        sweeper = threading.Thread(
            target=requeue_abandoned_forever,
            args=(stop,),
            name="requeue-abandoned",
            daemon=True,
        )
        sweeper.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
