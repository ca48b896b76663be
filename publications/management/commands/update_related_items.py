"""Drain the change queue; rank related items and store cards not yet built.

After `migrate` adds the stored related items or cards, every list is
ranked, and every card built, the first time a page shows it; run this once
to build them all beforehand (--limit builds that many, newest first).
--all ranks every list and builds every card afresh, after an import that
bypassed the change queue, say; pages whose list changed are purged.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from publications.cards import store_missing_cards
from publications.derived.drain import drain
from publications.derived.related import rank_all, rank_missing


class Command(BaseCommand):
    help = (
        "Drain publication changes, rank the related items not yet ranked and "
        "store the publication cards not yet built."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Rank at most this many lists, and build this many items' cards.",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Rank every live item's list and build its cards afresh.",
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
        carded = store_missing_cards(limit=limit, every=all)
        if verbosity:
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"Drained {drained} changes, ranked {ranked} lists and stored "
                f"the cards of {carded} items in {seconds:.1f} s."
            )
