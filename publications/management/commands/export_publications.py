"""Export a filtered list of publications as CSV, XLSX or JSON.

Writes to --output or standard output. The filters are those of
publications.filters, as on the staff export page but with a date range; an
unknown slug, a bad date or an unwritable path stops the command with a
one-line message and exit status 1 before anything is written. A file is
written under a temporary name and renamed when complete, so a failed export
never leaves half a file behind. --with-content adds the columns an import
needs to publish live items (publications.resources.CONTENT_COLUMNS).
"""

import functools
import os
import sys
import tempfile
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.management.base import BaseCommand, CommandError

from core.progress import progress_bar
from publications.exports import CHUNK_SIZE, FORMATS, WRITERS
from publications.filters import STATUS_CHOICES, PublicationFilters
from publications.states import State

# What an option's error says, by its code: a slug that names nothing, and a
# date that does not parse (the only option value that can be malformed).
_OPTION_ERRORS = {
    "invalid_choice": "Unknown {name} {value!r}.",
    "invalid": "--{name} {value!r} is not a date: use YYYY-MM-DD.",
}


class ExportFilters(PublicationFilters):
    """The command's filters: a slug must name something, dates are ISO dates."""

    filter_names = ("type", "topic", "series", "author", "since", "until", "status")
    must_exist = True


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
        parser.add_argument(
            "--with-content",
            action="store_true",
            help=(
                "Add the columns an import needs to publish live items: teaser, "
                "about, body, summary_points and unpublish_date."
            ),
        )

    def handle(self, *args, **options):
        file_format = options["format"]
        filters = ExportFilters(
            {
                name: options[name]
                for name in ExportFilters.filter_names
                if options[name] is not None
            }
        )
        if not filters.is_valid():
            raise CommandError(_first_error(filters))
        publications = filters.publications()

        progress = None
        if self.stderr.isatty():
            progress = progress_bar(self.stderr, publications.count())
        write = functools.partial(
            WRITERS[file_format], with_content=options["with_content"]
        )
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


def _first_error(filters):
    """Return the first error of *filters* as one line naming the option."""
    for name, errors in filters.errors.as_data().items():
        error = errors[0]
        if error.code == "reversed_range":
            return "--{first} must not be after --{last}.".format(**error.params)
        if name == NON_FIELD_ERRORS:
            return " ".join(error.messages)
        value = filters.data[name]
        template = _OPTION_ERRORS.get(error.code, "--{name} {value!r}: {message}")
        return template.format(name=name, value=value, message=error.messages[0])
