"""Deliver the purges of the shared HTTP cache that are due, until stopped.

App servers deliver a change's purge as soon as it commits; this delivers
the rest: purges that failed and wait for their retry, the repeat of each
purge, and those due when a scheduled item goes live or leaves, with no
request needed. Run one next to the app servers whenever
FOLIO_PURGE_BACKEND is set (`make serve` does). Several are safe: on
PostgreSQL each row is delivered by one of them.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.utils import timezone

from publications.caching import purges
from publications.models import PurgeRequest


class Command(BaseCommand):
    help = "Deliver due purges of the shared HTTP cache, waking when the next is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Deliver what is due now and stop."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the purges that are due without sending them.",
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=1.0,
            help="Longest sleep in seconds, to see purges recorded meanwhile.",
        )

    def handle(self, *args, once, dry_run, poll, **options):
        if not purges.is_enabled():
            raise CommandError("Set FOLIO_PURGE_BACKEND to run the purger.")
        if dry_run:
            due = PurgeRequest.objects.filter(due_at__lte=timezone.now())
            for row in due:
                self.stdout.write(f"{row.due_at:%Y-%m-%d %H:%M:%S} {row}")
            return
        purges.schedule_pending()
        while True:
            try:
                delivered = purges.deliver_due()
                next_due = purges.next_due_at()
            except DatabaseError as error:
                # A database restart: wait and try again on a new connection.
                self.stderr.write(f"Database unavailable: {error}")
                connection.close()
                delivered, next_due = 0, None
            if delivered and options["verbosity"] > 1:
                self.stdout.write(f"Delivered {delivered} purge(s).")
            if once:
                return
            time.sleep(_sleep(poll, next_due, delivered))


def _sleep(poll, next_due, delivered):
    """Return the seconds to sleep: until the next purge is due, at most *poll*."""
    if next_due is None:
        return poll
    until = (next_due - timezone.now()).total_seconds()
    if until > 0:
        return min(poll, until)
    # Due but not delivered: held by another purger, or more than one batch.
    return 0 if delivered else poll
