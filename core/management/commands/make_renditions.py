"""Make the missing renditions of stored images (core.renditions)."""

from functools import reduce
from operator import or_

from django.core.management.base import BaseCommand
from django.db.models import Q

from core.renditions import RenditionError, complete_renditions, tracked_fields


class Command(BaseCommand):
    help = (
        "Make the renditions (smaller widths, WebP, Open Graph card) that stored "
        "images lack, recording the size of images stored before renditions "
        "were. Uploads get theirs when they are saved; this is for older images "
        "and ones whose renditions failed. Pages cached before show the "
        "originals until content next changes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unsized",
            action="store_true",
            help="Only images whose size is not recorded yet.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the renditions, make none."
        )

    def handle(self, *args, unsized, dry_run, **options):
        count = failed = 0
        for model, fields in tracked_fields().items():
            for row in self._rows(model, fields, unsized=unsized).iterator():
                for field_name, _sized in fields:
                    if not getattr(row, field_name):
                        continue
                    try:
                        names = complete_renditions(row, field_name, dry_run=dry_run)
                    except (OSError, RenditionError) as error:
                        failed += 1
                        self.stderr.write(f"{getattr(row, field_name).name}: {error}")
                        continue
                    count += len(names)
                    if options["verbosity"] >= 2:
                        self.stdout.write("\n".join(names))
        verb = "Would make" if dry_run else "Made"
        summary = f"{verb} {count} rendition{'s' if count != 1 else ''}."
        if failed:
            summary += f" {failed} image{'s' if failed != 1 else ''} failed."
        self.stdout.write(summary)

    def _rows(self, model, fields, *, unsized):
        rows = model._base_manager.order_by("pk")
        if not unsized:
            return rows
        # Where a recorded size is missing, so are the row's other renditions.
        missing = [
            Q(**{f"{name}_width__isnull": True}) & ~Q(**{name: ""})
            for name, sized in fields
            if sized
        ]
        return rows.filter(reduce(or_, missing)) if missing else rows.none()
