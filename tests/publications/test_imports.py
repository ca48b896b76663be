"""Importing publications (publications.imports): plans, writes, round trips."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author
from publications.caching.versions import content_version
from publications.imports import CHANGE, CREATE, REFUSE, UNCHANGED
from publications.models import Publication, RelatedPublication, Report
from publications.search import search_publications
from publications.states import State
from tests.factories import make_author, make_related, make_report, make_series
from tests.imports import (
    csv_file,
    empty_site,
    exported_csv,
    exported_xlsx,
    row,
    run_import,
)

pytestmark = pytest.mark.django_db

# Whole seconds: a workbook's date cell keeps no microseconds.
NOW = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)
COMPLETE = {
    "teaser": "A teaser.",
    "about": "<p>Why it was written.</p>",
    "summary_points": "The main finding.\nA second finding.",
}


def _site():
    """Build items of every kind and state, with the content each needs."""
    series = make_series(title="Peace Series")
    ann = make_author(name="Ann Archer", slug="ann-archer")
    bo = make_author(name="Bo Baker", slug="bo-baker")
    day = timedelta(days=1)
    make_report(
        title="=cmd|' /C calc'!A0",
        slug="draft-report",
        number=12,
        series=series,
        authors=(bo, ann),
        tags=("zeta", "Alpha"),
        published=False,
        publish_at=NOW - day,
    )
    make_report(
        title="-5 reasons",
        slug="live-report",
        number=13,
        series=series,
        authors=(ann, bo),
        tags=("Alpha", "beta"),
        summary_points=("@first finding", "A second, with\ttab."),
        about="<p>Why it was <strong>written</strong>.</p>",
        body="<p>The full text.</p>",
        publish_at=NOW - 2 * day,
        unpublish_at=NOW + 30 * day,
    )
    make_report(title="Soon", slug="scheduled-report", publish_at=NOW + day)
    make_related(
        title="Elsewhere",
        slug="external",
        external_url="https://example.org/x",
        published=False,
        publish_at=NOW - 3 * day,
    )
    make_related(
        title="Gone",
        slug="expired",
        publish_at=NOW - 5 * day,
        unpublish_at=NOW - 4 * day,
    )
    make_related(title="Plain", slug="plain", published=False, publish_at=NOW)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_with_content_import_into_an_empty_site_export_gives_identical_bytes(
    file_format,
):
    export = exported_csv if file_format == "csv" else exported_xlsx
    with time_machine.travel(NOW, tick=False):
        _site()
        first = export(with_content=True)
        empty_site()
        report = run_import(first, f"publications.{file_format}")
        assert report.ok, [row.reasons for row in report.rows if row.reasons]
        assert report.counts == {CREATE: 6}
        assert sorted(Publication.objects.live().values_list("slug", flat=True)) == [
            "live-report"
        ]
    # Later, so that a workbook stamped with the time would differ.
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        second = export(with_content=True)
    assert second == first


@time_machine.travel(NOW, tick=False)
def test_a_plain_export_imports_its_drafts_and_refuses_live_items_it_cannot_complete():
    # A plain export has no content columns: publishing needs them.
    _site()
    first = exported_csv()
    empty_site()
    report = run_import(first)
    refused = {row.slug: row.reasons for row in report.rows if row.action == REFUSE}
    assert set(refused) == {"live-report", "scheduled-report", "expired"}
    assert "summary point" in refused["live-report"][0]
    assert not Publication.objects.exists()


def test_a_dry_run_writes_nothing_and_lists_what_it_would_create():
    versions = content_version()
    report = run_import(
        csv_file([row(authors="New Person; Another One", topics="Brand new")]),
        dry_run=True,
    )
    [result] = report.rows
    assert result.action == CREATE
    assert result.new_authors == ["New Person", "Another One"]
    assert list(report.new_topics.values()) == ["Brand new"]
    assert report.ok and not report.written
    assert not Publication.objects.exists()
    assert not Author.objects.exists()
    assert not Tag.objects.filter(name="Brand new").exists()
    assert content_version() == versions


def test_a_change_lists_each_field_with_old_and_new_values():
    make_report(slug="known", title="Old title", published=False, tags=("Alpha",))
    report = run_import(
        csv_file([row(slug="known", title="New title", topics="Alpha; Beta")]),
        dry_run=True,
    )
    [result] = report.rows
    assert result.action == CHANGE
    changes = {change.field: (change.old, change.new) for change in result.changes}
    assert changes["title"] == ("Old title", "New title")
    assert changes["topics"] == ("Alpha", "Alpha; Beta")
    assert "status" not in changes
    assert Report.objects.get().title == "Old title"


def test_an_unchanged_row_is_counted_and_not_written():
    item = make_related(slug="same", title="Same", published=False)
    data = exported_csv()
    report = run_import(data)
    assert report.counts == {UNCHANGED: 1}
    item.refresh_from_db()
    assert item.version == 1


def test_authors_match_by_name_or_slug_in_order_and_others_are_created():
    ann = make_author(name="Ann Archer", slug="ann-archer")
    make_author(name="Bo Baker", slug="bo")
    report = run_import(
        csv_file([row(authors="bo; ann archer; Cy Cole", topics="alpha")])
    )
    assert report.written
    item = Report.objects.get()
    names = [a.author.name for a in item.authorships.order_by("position")]
    assert names == ["Bo Baker", "Ann Archer", "Cy Cole"]
    assert Author.objects.get(name="Cy Cole").slug == "cy-cole"
    assert item.authorships.get(position=1).author == ann


def test_an_editor_import_changes_a_live_item_and_moves_the_content_version():
    make_report(slug="live", title="Findable title")
    before = content_version()
    data = exported_csv().replace(b"Findable title", b"Changed wording")
    report = run_import(data)
    assert report.written and report.counts[CHANGE] == 1
    assert content_version() != before
    live = Publication.objects.live()
    assert list(search_publications(live, "wording")) == list(live)


def test_imported_rows_are_indexed_for_search_with_their_topics():
    run_import(
        csv_file(
            [row(status="live", topics="Mediation", authors="Ann Archer", **COMPLETE)],
            columns=(*row(), "topics", "authors", *COMPLETE),
        )
    )
    live = Publication.objects.live()
    assert live.count() == 1
    assert list(search_publications(live, "mediation")) == list(live)
    assert list(search_publications(live, "archer")) == list(live)


def test_rich_text_is_sanitised_like_the_admin():
    run_import(
        csv_file(
            [row(about='<p>Fine <a href="https://example.org">link</a></p>')],
            columns=(*row(), "about"),
        )
    )
    assert Report.objects.get().about == (
        '<p>Fine <a href="https://example.org" rel="noopener">link</a></p>'
    )


def test_a_refused_row_anywhere_means_nothing_is_written():
    rows = [row(slug=f"ok-{n}", title=f"Fine {n}") for n in range(3)]
    rows.append(row(slug="bad", type="No such type"))
    report = run_import(csv_file(rows))
    assert report.counts == {CREATE: 3, REFUSE: 1}
    assert not report.written
    assert not Publication.objects.exists()


REFUSALS = [
    ({"type": ""}, "type is missing"),
    ({"type": "Pamphlet"}, "type “Pamphlet” is unknown"),
    ({"type": "Analysis"}, "is for related publications"),
    ({"kind": "poster"}, "kind “poster” is unknown"),
    ({"publish_date": "1 May"}, "publish_date “1 May” is not a date"),
    ({"publish_date": "2024-02-30"}, "is not a date"),
    ({"series": "Unknown Series"}, "series “Unknown Series” is unknown"),
    ({"number": "x7"}, "number “x7” is not a whole number"),
    ({"status": "archived"}, "status “archived” is unknown"),
    ({"slug": "no spaces"}, "may hold only letters"),
    ({"title": ""}, "title is missing"),
    ({"status": "live", "publish_date": "2999-01-01"}, "it would be scheduled"),
    ({"status": "live"}, "to be published it needs"),
]


@pytest.mark.parametrize(("values", "reason"), REFUSALS)
def test_each_bad_cell_is_refused_with_its_reason(values, reason):
    report = run_import(csv_file([row(**values)]), dry_run=True)
    [result] = report.rows
    assert result.action == REFUSE
    assert any(reason in text for text in result.reasons), result.reasons


def test_a_duplicate_number_is_refused_against_the_site_and_the_file():
    make_report(slug="holder", title="Holder", number=7, published=False)
    report = run_import(
        csv_file(
            [
                row(slug="taken", number="7"),
                row(slug="first", number="8"),
                row(slug="second", number="8"),
            ]
        ),
        dry_run=True,
    )
    taken, first, second = report.rows
    assert "Special Report No. 7 is already “Holder” (holder)" in taken.reasons
    assert first.action == CREATE
    assert "Special Report No. 8 is on line 3 too" in second.reasons


def test_a_duplicate_slug_in_the_file_is_refused():
    report = run_import(csv_file([row(), row(title="Again")]), dry_run=True)
    assert report.rows[1].reasons == ["slug “imported-report” is on line 2 too"]


@pytest.mark.parametrize(
    "html",
    [
        "<p>x</p><script>alert(1)</script>",
        '<p><img src=x onerror="alert(1)"></p>',
        '<p><a href="javascript:alert(1)">x</a></p>',
        '<p onclick="alert(1)">x</p>',
    ],
)
def test_unsafe_rich_text_is_refused_not_silently_dropped(html):
    report = run_import(csv_file([row(body=html)], columns=(*row(), "body")))
    [result] = report.rows
    assert result.action == REFUSE
    assert "body holds markup the editor does not allow" in result.reasons[0]
    assert not Publication.objects.exists()


def test_a_kind_cannot_change_under_a_slug():
    make_related(slug="taken", published=False)
    report = run_import(csv_file([row(slug="taken")]), dry_run=True)
    assert "belongs to a related publication" in report.rows[0].reasons[0]


def test_expired_without_an_unpublish_date_leaves_the_site_as_of_the_import():
    columns = (*row(), "teaser", "body")
    data = csv_file(
        [row(kind="related", type="Analysis", status="expired", teaser="T", body="B")],
        columns=columns,
    )
    report = run_import(data)
    assert report.written
    item = RelatedPublication.objects.get()
    assert item.state() == State.EXPIRED
    assert item.unpublish_at <= timezone.now()


def test_a_changed_item_gets_a_version_in_its_history_with_the_file_name():
    from reversion.models import Version

    item = make_report(slug="known", title="Before", published=False)
    run_import(csv_file([row(slug="known", title="After")]), "spring.csv")
    [version] = Version.objects.get_for_object(item)
    assert version.revision.comment == "Imported from spring.csv."
    assert version.field_dict["title"] == "After"


def test_changing_only_the_topics_of_a_live_item_moves_the_content_version():
    make_report(slug="live", tags=("Alpha",))
    data = exported_csv().replace(b"Alpha", b"Beta")
    before = content_version()
    report = run_import(data)
    assert [change.field for change in report.rows[0].changes] == ["topics"]
    assert content_version() != before
    live = Publication.objects.live()
    assert list(search_publications(live, "beta")) == list(live)


def test_a_column_left_out_leaves_its_field_as_it_is():
    make_report(slug="known", number=41, published=False, tags=("Alpha",))
    columns = ("kind", "type", "title", "slug", "status", "publish_date")
    report = run_import(csv_file([row(slug="known", title="Renamed")], columns=columns))
    assert [change.field for change in report.rows[0].changes] == [
        "title",
        "publish_date",
    ]
    item = Report.objects.get()
    assert (item.number, list(item.tags.names())) == (41, ["Alpha"])


def test_deferred_index_updates_are_made_once_the_block_ends():
    from publications.search import index_updates_deferred

    with index_updates_deferred():
        make_report(title="Deferred wording")
        live = Publication.objects.live()
        assert not search_publications(live, "wording").exists()
    assert search_publications(live, "wording").count() == 1
