"""manage.py import_publications FILE [--dry-run] [--user USERNAME]."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from publications.models import Publication, Report
from tests.factories import make_report, make_user
from tests.imports import csv_file, row

pytestmark = pytest.mark.django_db

COMPLETE = {
    "teaser": "A teaser.",
    "about": "<p>About.</p>",
    "summary_points": "A finding.",
    "authors": "Ann Archer",
    "topics": "Mediation",
}
COLUMNS = (*row(), *COMPLETE)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def _file(tmp_path, rows, **options):
    path = tmp_path / "publications.csv"
    path.write_bytes(csv_file(rows, **options))
    return path


def _run(*args):
    out, err = io.StringIO(), _Terminal()
    call_command("import_publications", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_shows_each_row_and_writes_nothing(tmp_path):
    make_report(slug="known", title="Old", published=False)
    path = _file(tmp_path, [row(slug="known", title="New"), row(slug="fresh")])
    out, err = _run(path, "--dry-run")
    assert "line 2 known: change\n    title: 'Old' -> 'New'" in out
    assert "line 3 fresh: create" in out
    assert "Dry run: 1 to create, 1 to change, 0 unchanged, 0 refused." in out
    assert "[##############################] 2/2 rows" in err
    assert Report.objects.get().title == "Old"


def test_an_import_writes_every_row_and_says_how_many(tmp_path):
    path = _file(
        tmp_path, [row(status="live", **COMPLETE), row(slug="b")], columns=COLUMNS
    )
    out, _err = _run(path)
    assert "Imported: 2 created, 0 changed, 0 unchanged." in out
    assert Publication.objects.live().count() == 1


def test_a_refused_row_stops_the_command_with_nothing_written(tmp_path):
    path = _file(tmp_path, [row(slug="a"), row(slug="b", publish_date="soon")])
    with pytest.raises(CommandError, match="1 refused. Nothing was imported."):
        _run(path)
    assert not Publication.objects.exists()


def test_a_refused_file_stops_the_command_with_its_reason(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(csv_file([row(title="Café")]).decode().encode("latin-1"))
    with pytest.raises(CommandError, match="latin.csv: The file is not UTF-8"):
        _run(path)


def test_a_contributor_cannot_import_live_items(tmp_path):
    make_user(username="casey", role="Contributors")
    path = _file(
        tmp_path,
        [row(slug="draft"), row(slug="live", status="live", **COMPLETE)],
        columns=COLUMNS,
    )
    with pytest.raises(CommandError, match="1 refused"):
        _run(path, "--user", "casey")
    assert not Publication.objects.exists()


def test_a_contributors_refusal_says_why(tmp_path):
    make_user(username="casey", role="Contributors")
    make_report(slug="published", title="Live title")
    path = _file(
        tmp_path,
        [row(slug="live", status="live", **COMPLETE), row(slug="published")],
        columns=COLUMNS,
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_publications", str(path), "--user", "casey", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "line 2 live: refused: only users who may publish can import scheduled, "
        "live or expired items"
    )
    assert lines[1].startswith(
        "line 3 published: refused: this item is published: only users who may "
        "publish can change it by import"
    )
    assert Report.objects.get().title == "Live title"


def test_a_contributor_may_import_drafts(tmp_path):
    make_user(username="casey", role="Contributors")
    _run(_file(tmp_path, [row()]), "--user", "casey")
    assert Report.objects.get().status == "draft"


def test_an_unknown_user_or_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        _run(_file(tmp_path, [row()]), "--user", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        _run(tmp_path / "missing.csv")
