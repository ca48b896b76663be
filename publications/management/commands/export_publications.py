"""Export a filtered list of publications as CSV, XLSX or JSON.

Writes to --output or standard output. Filters are those of the public
listing plus the status; an unknown slug, a bad date or an unwritable path
stops the command with a one-line message and exit status 1 before anything
is written. A file is written under a temporary name and renamed when
complete, so a failed export never leaves half a file behind.
"""

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from taggit.models import Tag

from authors.models import Author
from publications.exports import (
    CHUNK_SIZE,
    FORMATS,
    STATUS_CHOICES,
    WRITERS,
    publications_in_status,
)
from publications.models import PublicationType, Series
from publications.selectors import filter_publications
from publications.states import State

# Option -> (model, label): slugs checked before the export starts.
_SLUG_OPTIONS = {
    "type": (PublicationType, "type"),
    "topic": (Tag, "topic"),
    "series": (Series, "series"),
    "author": (Author, "author"),
}
_PROGRESS_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Export publications (reports and related publications, newest first) "
        "as CSV, XLSX or JSON to a file or standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument(
            "--output", metavar="PATH", help="Write here instead of standard output."
        )
        parser.add_argument("--type", metavar="SLUG", help="A publication type.")
        parser.add_argument("--topic", metavar="SLUG", help="A topic (tag).")
        parser.add_argument("--series", metavar="SLUG", help="A series.")
        parser.add_argument("--author", metavar="SLUG", help="An author.")
        parser.add_argument(
            "--since", metavar="DATE", help="Published on or after (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--until", metavar="DATE", help="Published on or before (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--status",
            choices=[value for value, _label in STATUS_CHOICES],
            default=State.LIVE,
            help="Derived status to export (default: live).",
        )

    def handle(self, *args, **options):
        file_format = options["format"]
        for option, (model, label) in _SLUG_OPTIONS.items():
            slug = options[option]
            if slug and not model.objects.filter(slug=slug).exists():
                raise CommandError(f"Unknown {label} {slug!r}.")
        since = _parse_date(options["since"], "--since")
        until = _parse_date(options["until"], "--until")
        if since and until and since > until:
            raise CommandError("--since must not be after --until.")
        publications = filter_publications(
            publications_in_status(options["status"]),
            type_slug=options["type"],
            topic_slug=options["topic"],
            series_slug=options["series"],
            author_slug=options["author"],
            since=since,
            until=until,
        ).newest_first()

        progress = None
        if self.stderr.isatty():
            progress = self._progress_bar(publications.count())
        write = WRITERS[file_format]
        if options["output"]:
            self._write_file(
                Path(options["output"]), file_format, write, publications, progress
            )
        else:
            try:
                self._write_stdout(file_format, write, publications, progress)
            except BrokenPipeError:
                # The reader (head, less) stopped early: not an error. Point
                # stdout at /dev/null so that flushing at exit stays quiet.
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())

    def _write_file(self, path, file_format, write, publications, progress):
        binary = file_format == "xlsx"
        try:
            handle = tempfile.NamedTemporaryFile(
                mode="wb" if binary else "w",
                encoding=None if binary else "utf-8",
                newline=None if binary else "",
                dir=path.parent,
                prefix=f".{path.name}.",
                delete=False,
            )
        except OSError as error:
            raise CommandError(
                f"Cannot write {path}: {error.strerror or error}."
            ) from error
        try:
            with handle:
                options = {"progress": progress, "chunk_size": CHUNK_SIZE}
                if file_format == "csv":
                    # Spreadsheet programs read a CSV file as UTF-8 with it.
                    options["byte_order_mark"] = True
                write(publications, handle, **options)
            # Temporary files are private; the export gets the usual mode.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(handle.name, 0o666 & ~umask)
            os.replace(handle.name, path)
        except OSError as error:
            Path(handle.name).unlink(missing_ok=True)
            raise CommandError(
                f"Cannot write {path}: {error.strerror or error}."
            ) from error
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise

    def _write_stdout(self, file_format, write, publications, progress):
        if file_format == "xlsx":
            out = getattr(self.stdout, "buffer", None)
            if out is None or self.stdout.isatty():
                raise CommandError(
                    "An XLSX file cannot go to this output: use --output PATH."
                )
            write(publications, out, progress=progress)
            out.flush()
            return
        self.stdout.ending = ""
        write(publications, self.stdout, progress=progress)

    def _progress_bar(self, total):
        def progress(done):
            filled = _PROGRESS_WIDTH * done // total if total else _PROGRESS_WIDTH
            bar = "#" * filled + "." * (_PROGRESS_WIDTH - filled)
            end = "\n" if done >= total else ""
            self.stderr.write(
                f"\r[{bar}] {done:,}/{total:,} rows", style_func=str, ending=end
            )
            self.stderr.flush()

        return progress


def _parse_date(value, option):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option} {value!r} is not a date: use YYYY-MM-DD."
        ) from None
