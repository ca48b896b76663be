"""Drain the change queue, and rank the related items of live items not yet ranked.

After `migrate` adds the stored related items, every list is ranked the
first time its page is read; run this once to rank them all beforehand
(--limit ranks that many, newest first). --all ranks every list afresh,
after an import that bypassed the change queue, say; pages whose list
changed are purged.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from publications.derived.drain import drain
from publications.derived.related import rank_all, rank_missing


class Command(BaseCommand):
    help = "Drain publication changes and rank the related items not yet ranked."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=None, help="Rank at most this many lists."
        )
        parser.add_argument(
            "--all", action="store_true", help="Rank every live item's list afresh."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the lists to rank only."
        )

    def handle(
        self, *args, limit=None, dry_run=False, verbosity=1, all=False, **options
    ):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        if all and limit is not None:
            raise CommandError("--all ranks every list: leave out --limit.")
        started = time.perf_counter()
        if dry_run:
            missing = rank_missing(limit=limit, dry_run=True)
            self.stdout.write(f"{missing} live items have no ranked related items.")
            return
        drained = drain()
        ranked = rank_all() if all else rank_missing(limit=limit)
        if verbosity:
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"Drained {drained} changes and ranked {ranked} lists "
                f"in {seconds:.1f} s."
            )
