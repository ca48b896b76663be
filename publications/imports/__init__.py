"""Import reports and related publications from CSV or XLSX, all or nothing.

import_publications() reads a file with the export's columns (create or
update by slug), plans each row (publications.imports.plan) and, unless it
is a dry run, writes the rows in one transaction that rolls back if any row
is refused. The admin's preview and its confirm step, and the
import_publications command, call it.

Not django-import-export's import: its Resource imports a row as one model
instance, while a row here is an item plus ordered authorships (found by name
or slug, or created), topics and summary points, checked against the
publishing rule and the roles before anything is written; its dry run saves
and rolls back, and it loads the whole file into a tablib Dataset, which no
limit on rows or cell size can then protect.
"""

from collections import Counter
from dataclasses import dataclass, field
from itertools import batched

import reversion
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from publications.imports.cells import column_positions
from publications.imports.files import ImportFileError, read_rows
from publications.imports.plan import Planner
from publications.imports.results import CHANGE, CREATE, REFUSE, UNCHANGED
from publications.imports.write import Writer

__all__ = [
    "CHANGE",
    "CREATE",
    "REFUSE",
    "UNCHANGED",
    "ImportFileError",
    "ImportReport",
    "count_rows",
    "import_publications",
]

CHUNK_ROWS = 500
# Rows a report keeps for showing; refused rows first. Counts cover all.
MAX_SHOWN_ROWS = 1000


@dataclass
class ImportReport:
    """What an import did or, in a dry run, would do."""

    rows: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    new_authors: dict = field(default_factory=dict)
    new_topics: dict = field(default_factory=dict)
    error: str = ""
    written: bool = False

    @property
    def refused(self):
        return self.counts[REFUSE]

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def ok(self):
        return not self.error and not self.refused and self.total > 0

    @property
    def hidden(self):
        """Return how many rows the report counts but does not list."""
        return self.total - len(self.rows)

    def add(self, result):
        self.counts[result.action] += 1
        if result.action != REFUSE:
            for name in result.new_authors:
                self.new_authors.setdefault(name.casefold(), name)
            for name in result.new_topics:
                self.new_topics.setdefault(str(name).casefold(), str(name))
        if len(self.rows) < MAX_SHOWN_ROWS or (
            result.action == REFUSE and self.refused <= MAX_SHOWN_ROWS
        ):
            self.rows.append(result)


def import_publications(
    binary_file, name, *, user=None, dry_run=True, on_row=None, progress=None
):
    """Import the file *name* (CSV or XLSX) from *binary_file*; return a report.

    *user* is who imports: without the publish permission, scheduled, live
    and expired rows and changes to published items are refused (None: the
    command run without --user, with every permission). Nothing is written
    on a dry run, or if the file or any row is refused. *on_row* is called
    with each RowResult, *progress* with the number of rows planned.
    """
    report = ImportReport()
    now = timezone.now()
    try:
        with transaction.atomic():
            if dry_run:
                _run(binary_file, name, report, user, now, None, on_row, progress)
            else:
                with reversion.create_revision(manage_manually=True):
                    if user is not None:
                        reversion.set_user(user)
                    reversion.set_comment(_("Imported from %(name)s.") % {"name": name})
                    writer = Writer(now=now)
                    _run(binary_file, name, report, user, now, writer, on_row, progress)
                    if report.ok:
                        writer.finish()
            report.written = report.ok and not dry_run
            if not report.written:
                transaction.set_rollback(True)
    except ImportFileError as error:
        report.error = str(error)
        report.written = False
    except IntegrityError as error:
        # A change made meanwhile, by a save the plan could not see.
        report.error = _("The database refused a row (%(error)s).") % {
            "error": str(error).splitlines()[0]
        }
        report.written = False
    if not report.error and report.total == 0:
        report.error = _("The file has a header row but no rows to import.")
    return report


def _run(binary_file, name, report, user, now, writer, on_row, progress):
    rows = read_rows(binary_file, name)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    planner = Planner(
        column_positions(header[1]), user=user, now=now, lock=writer is not None
    )
    done = 0
    for chunk in batched(rows, CHUNK_ROWS):
        results = planner.plan_chunk(chunk)
        for result in results:
            report.add(result)
            if on_row is not None:
                on_row(result)
        if writer is not None and not report.refused:
            writer.write_chunk(
                [r.plan for r in results if r.action in (CREATE, CHANGE)]
            )
        for result in results:
            result.plan = None  # what the writer needed; the report keeps the rest
        done += len(chunk)
        if progress is not None:
            progress(done)


def count_rows(binary_file, name):
    """Return the number of non-blank rows after the header; check the limits."""
    count = sum(1 for _row in read_rows(binary_file, name))
    binary_file.seek(0)
    return max(count - 1, 0)
