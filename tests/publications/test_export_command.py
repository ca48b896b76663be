import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from publications.states import State
from tests.factories import (
    EXPORT_SIZE_CHECK,
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
)

pytestmark = pytest.mark.django_db


def _export(*args, stdout=None, stderr=None):
    stdout = stdout if stdout is not None else io.StringIO()
    call_command(
        "export_publications", *args, stdout=stdout, stderr=stderr or io.StringIO()
    )
    return stdout


def _slugs(output):
    return [row["slug"] for row in csv.DictReader(io.StringIO(output, newline=""))]


def _at(year, month, day):
    return datetime(year, month, day, 12, tzinfo=timezone.UTC)


@pytest.fixture
def catalogue():
    """Publications of both kinds and every state, newest first by slug."""
    now = timezone.now()
    ann = make_author(name="Ann", slug="ann")
    series = make_series(slug="water-series")
    make_report(
        slug="water-report",
        authors=[ann],
        tags=["Water"],
        series=series,
        publish_at=_at(2025, 6, 1),
    )
    make_report(slug="peace-brief", type_slug="peace-brief", publish_at=_at(2024, 2, 1))
    make_related(slug="water-analysis", tags=["Water"], publish_at=_at(2025, 1, 15))
    make_related(slug="ann-commentary", type_slug="commentary", authors=[ann])
    make_report(slug="draft-report", published=False)
    make_report(slug="scheduled-report", publish_at=now + timedelta(days=3))


def test_csv_to_standard_output_holds_live_items_newest_first(catalogue):
    output = _export("--format", "csv").getvalue()

    assert output.startswith("kind,type,number,title,slug,")
    assert not output.startswith("\ufeff")
    assert _slugs(output) == [
        "ann-commentary",
        "water-report",
        "water-analysis",
        "peace-brief",
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("draft", {"draft-report"}),
        ("scheduled", {"scheduled-report"}),
        ("live", {"ann-commentary", "water-report", "water-analysis", "peace-brief"}),
        (
            "all",
            {
                "ann-commentary",
                "water-report",
                "water-analysis",
                "peace-brief",
                "draft-report",
                "scheduled-report",
            },
        ),
    ],
)
def test_status_option(catalogue, status, expected):
    output = _export("--format", "csv", "--status", status).getvalue()

    assert set(_slugs(output)) == expected


def test_status_expired_exports_items_past_their_unpublish_date(catalogue):
    now = timezone.now()
    make_report(
        slug="expired-report",
        publish_at=now - timedelta(days=30),
        unpublish_at=now - timedelta(days=1),
    )

    output = _export("--format", "csv", "--status", "expired").getvalue()

    assert _slugs(output) == ["expired-report"]


def test_command_and_staff_page_offer_every_state_and_all(client):
    client.force_login(make_user(role="Exporters"))
    page = client.get("/admin/publications/export/").content.decode()
    select = re.search(r'<select name="status".*?</select>', page, re.DOTALL)
    offered = re.findall(r'<option value="([^"]*)"', select.group())
    states = {*State.values, "all"}

    assert sorted(offered) == sorted(states)
    for status in states:
        _export("--format", "csv", "--status", status)
    with pytest.raises(CommandError, match="invalid choice"):
        _export("--format", "csv", "--status", "published")


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--type", "peace-brief", ["peace-brief"]),
        ("--topic", "water", ["water-report", "water-analysis"]),
        ("--series", "water-series", ["water-report"]),
        ("--author", "ann", ["ann-commentary", "water-report"]),
        ("--since", "2025-01-15", ["ann-commentary", "water-report", "water-analysis"]),
        ("--until", "2025-01-15", ["water-analysis", "peace-brief"]),
    ],
)
def test_filter_options(catalogue, option, value, expected):
    output = _export("--format", "csv", option, value).getvalue()

    assert _slugs(output) == expected


def test_filters_combine(catalogue):
    output = _export(
        "--format", "csv", "--topic", "water", "--since", "2025-02-01"
    ).getvalue()

    assert _slugs(output) == ["water-report"]


def test_json_to_standard_output(catalogue):
    items = json.loads(_export("--format", "json", "--type", "peace-brief").getvalue())

    assert [item["slug"] for item in items] == ["peace-brief"]
    assert items[0]["kind"] == "report"


def test_csv_file_starts_with_a_byte_order_mark(catalogue, tmp_path):
    path = tmp_path / "out.csv"

    output = _export("--format", "csv", "--output", str(path)).getvalue()

    assert output == ""
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfkind,type,")
    assert len(_slugs(data.decode("utf-8-sig"))) == 4


def test_xlsx_file(catalogue, tmp_path):
    path = tmp_path / "out.xlsx"

    _export("--format", "xlsx", "--output", str(path), "--status", "all")

    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("kind", "type", "number")
    assert len(rows) == 7
    assert not list(tmp_path.glob(".out.xlsx.*"))


def test_with_content_adds_the_content_columns_in_every_format(catalogue, tmp_path):
    rows = list(
        csv.DictReader(
            io.StringIO(_export("--format", "csv", "--with-content").getvalue())
        )
    )
    items = json.loads(_export("--format", "json", "--with-content").getvalue())
    path = tmp_path / "out.xlsx"
    _export("--format", "xlsx", "--with-content", "--output", str(path))
    header = next(load_workbook(path).active.iter_rows(values_only=True))

    content = ["teaser", "about", "body", "summary_points", "unpublish_date"]
    assert list(rows[0])[-5:] == list(items[0])[-5:] == list(header)[-5:] == content
    report = next(row for row in rows if row["slug"] == "water-report")
    assert report["summary_points"] == "The main finding."
    assert "teaser" not in _export("--format", "csv").getvalue()


def test_xlsx_to_a_binary_standard_output(catalogue):
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")

    _export("--format", "xlsx", stdout=stdout)

    workbook = load_workbook(io.BytesIO(stdout.buffer.getvalue()))
    assert workbook.active.max_row == 5


def test_xlsx_needs_a_file_when_standard_output_takes_only_text(catalogue):
    with pytest.raises(CommandError, match="use --output PATH"):
        _export("--format", "xlsx")


def test_file_replaces_an_older_export(catalogue, tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old")

    _export("--format", "json", "--output", str(path))

    assert len(json.loads(path.read_text())) == 4


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--type", "Unknown type 'nope'."),
        ("--topic", "Unknown topic 'nope'."),
        ("--series", "Unknown series 'nope'."),
        ("--author", "Unknown author 'nope'."),
    ],
)
def test_unknown_slug_is_a_one_line_error(catalogue, option, message):
    with pytest.raises(CommandError) as error:
        _export("--format", "csv", option, "nope")

    assert str(error.value) == message
    assert error.value.returncode == 1


@pytest.mark.parametrize("value", ["2025-02-30", "yesterday", "2025/01/01"])
def test_bad_date_is_a_one_line_error(value):
    with pytest.raises(CommandError) as error:
        _export("--format", "csv", "--since", value)

    assert str(error.value) == f"--since {value!r} is not a date: use YYYY-MM-DD."
    assert error.value.returncode == 1


def test_since_after_until_is_an_error():
    with pytest.raises(CommandError, match="--since must not be after --until"):
        _export("--format", "csv", "--since", "2025-02-01", "--until", "2025-01-01")


def test_unwritable_path_is_a_one_line_error_and_leaves_nothing(tmp_path):
    missing = tmp_path / "missing" / "out.csv"
    with pytest.raises(CommandError) as error:
        _export("--format", "csv", "--output", str(missing))
    assert str(error.value) == f"Cannot write {missing}: No such file or directory."

    inside_a_file = tmp_path / "file.txt" / "out.csv"
    inside_a_file.parent.write_text("")
    with pytest.raises(CommandError) as error:
        _export("--format", "csv", "--output", str(inside_a_file))
    assert str(error.value) == f"Cannot write {inside_a_file}: Not a directory."
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file.txt"]


def test_directory_as_output_is_an_error(tmp_path):
    with pytest.raises(CommandError, match=f"Cannot write {tmp_path}"):
        _export("--format", "json", "--output", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_standard_error(catalogue):
    stderr = _Terminal()

    output = _export("--format", "csv", stderr=stderr).getvalue()

    assert stderr.getvalue().endswith("] 4/4 rows\n")
    assert "rows" not in output


def test_no_progress_bar_when_standard_error_is_not_a_terminal(catalogue):
    stderr = io.StringIO()

    _export("--format", "csv", stderr=stderr)

    assert stderr.getvalue() == ""


def test_queries_per_chunk_in_the_command(catalogue, django_assert_num_queries):
    # One query for the rows, then authors and topics for the one chunk.
    with django_assert_num_queries(EXPORT_SIZE_CHECK + 3):
        _export("--format", "csv", "--status", "all")
    # With content: summary points too, and never COPY (no size check).
    with django_assert_num_queries(4):
        _export("--format", "csv", "--status", "all", "--with-content")


def _run_manage(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", "export_publications", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--since", "2025-13-01"],
            "CommandError: --since '2025-13-01' is not a date: use YYYY-MM-DD.",
        ),
        (
            ["--output", "/nonexistent-folder/out.csv", "--status", "draft"],
            "CommandError: Cannot write /nonexistent-folder/out.csv: "
            "No such file or directory.",
        ),
    ],
)
def test_errors_exit_non_zero_with_one_line_on_standard_error(args, message):
    result = _run_manage("--format", "csv", *args)

    assert result.returncode == 1
    assert result.stderr == message + "\n"
    assert result.stdout == ""
