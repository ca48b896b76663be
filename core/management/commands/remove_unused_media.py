"""Remove uploaded files that no row and no saved version names any more."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.media_files import unused_files


class Command(BaseCommand):
    help = (
        "Remove images, thumbnails and PDFs that no row and no saved history "
        "version names, if older than --days (default 1). Files are removed when "
        "their row lets go of them; this finds those a stopped worker left behind."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=1)
        parser.add_argument(
            "--dry-run", action="store_true", help="List the files, remove nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        older_than = timezone.now() - timedelta(days=days)
        count = 0
        for storage, name in unused_files(older_than=older_than):
            count += 1
            if options["verbosity"] >= 2:
                self.stdout.write(name)
            if not dry_run:
                storage.delete(name)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{verb} {count} unused file{'s' if count != 1 else ''}.")
