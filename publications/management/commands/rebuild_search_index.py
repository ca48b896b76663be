"""Rebuild the full-text search index of every publication.

Saves keep the index current; this is for rows written around the models,
such as a bulk import or a restored database dump. On PostgreSQL it
rewrites each row's search vectors, on SQLite the FTS5 table, in batches of
BATCH_SIZE publications, each its own transaction: in one, at 100,000
publications, every row stayed locked for 125 s, and an editor's save
waited for all of it (past a server's request timeout). Meanwhile searches
find each item by its old words or its new ones.

Then every cached page and remembered part, and each process's facet index
(which keeps a search's matches), count as changed: rows written around the
models are news to them too. The content version moves past the clock, so
that after a restored dump, whose version is older than the pages cached
since, those pages count as changed as well.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from publications.caching.versions import public_content_changed
from publications.derived.changes import record_changes
from publications.models import Publication
from publications.search import rebuild_search_index

# The longest an editor's save waits: on the bench data a batch took 1.0 to
# 1.5 s (2,000: 2.4 to 4.1 s), and the whole index about as long as in one.
BATCH_SIZE = 1_000


class Command(BaseCommand):
    help = "Rebuild the full-text search index of every publication."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many publications would be indexed, and change nothing.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        if dry_run:
            count = Publication.objects.count()
            verb = "Would index"
        else:
            try:
                count = rebuild_search_index(batch_size=BATCH_SIZE)
            finally:
                # After a failed batch too: the batches before it committed.
                with transaction.atomic():
                    public_content_changed(past_the_clock=True)
                    record_changes([None])
            verb = "Indexed"
        if verbosity:
            self.stdout.write(f"{verb} {count} publication{'s' * (count != 1)}.")
