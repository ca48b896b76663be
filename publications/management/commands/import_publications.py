"""Import reports and related publications from a CSV or XLSX file.

The columns are the export's (see export_publications), matched by slug:
a row creates the item or changes it. --dry-run shows what each row would
do and writes nothing. Otherwise every row is written in one transaction,
and nothing at all if the file or any row is refused; the exit status is
then 1. A progress bar goes to standard error when it is a terminal.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.progress import progress_bar
from publications.imports import (
    CHANGE,
    CREATE,
    REFUSE,
    ImportFileError,
    count_rows,
    import_publications,
)


class Command(BaseCommand):
    help = (
        "Import reports and related publications from a CSV or XLSX file with "
        "the export's columns, creating or updating each by slug."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="A .csv or .xlsx file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what each row would do; write nothing.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=(
                "Import as this user, with their permissions (without one, "
                "as an editor who may publish)."
            ),
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        user = _user(options["user"])
        verbosity = options["verbosity"]
        try:
            handle = path.open("rb")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        with handle:
            progress = None
            if self.stderr.isatty():
                try:
                    progress = progress_bar(self.stderr, count_rows(handle, path.name))
                except ImportFileError as error:
                    raise CommandError(f"{path.name}: {error}") from error
            report = import_publications(
                handle,
                path.name,
                user=user,
                dry_run=options["dry_run"],
                on_row=lambda row: self._show_row(row, options["dry_run"], verbosity),
                progress=progress,
            )
        if report.error:
            raise CommandError(f"{path.name}: {report.error} Nothing was imported.")
        if report.new_authors and verbosity:
            names = ", ".join(report.new_authors.values())
            self.stdout.write(f"Authors to create: {names}")
        if report.new_topics and verbosity:
            self.stdout.write(
                f"Topics to create: {', '.join(report.new_topics.values())}"
            )
        counts = report.counts
        summary = (
            f"{counts[CREATE]} to create, {counts[CHANGE]} to change, "
            f"{counts['unchanged']} unchanged, {counts[REFUSE]} refused."
        )
        if report.refused:
            raise CommandError(f"{summary} Nothing was imported.")
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {summary} Nothing was written.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported: {counts[CREATE]} created, {counts[CHANGE]} changed, "
                    f"{counts['unchanged']} unchanged."
                )
            )

    def _show_row(self, row, dry_run, verbosity):
        if row.action == REFUSE:
            self.stdout.write(
                f"line {row.line} {row.slug or '?'}: refused: {'; '.join(row.reasons)}"
            )
        elif verbosity >= 2 or (dry_run and verbosity and row.action != "unchanged"):
            self.stdout.write(f"line {row.line} {row.slug}: {row.action}")
            for change in row.changes if row.action == CHANGE else ():
                old, new = _short(change.old), _short(change.new)
                self.stdout.write(f"    {change.field}: {old!r} -> {new!r}")


def _user(username):
    if username is None:
        return None
    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user {username!r}.") from None
    if not (user.is_active and user.is_staff):
        raise CommandError(f"{username!r} is not an active staff user.")
    return user


def _short(value, limit=60):
    return value if len(value) <= limit else value[: limit - 1] + "…"
