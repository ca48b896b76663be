"""The content version: moved on by public changes only, in their transaction."""

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from taggit.models import Tag

from publications.caching import content_version, remember, versions
from publications.caching.surrogates import (
    EVERYTHING,
    LISTS,
    listing_key,
    publication_key,
    publication_keys,
)
from publications.cards import store_missing_cards
from publications.derived.changes import record_changes
from publications.models import (
    ContentVersion,
    KeyChange,
    Publication,
    PublicationType,
    StoredCard,
)
from publications.paging import count_publications
from publications.selectors import listing_choices
from tests.factories import (
    ago,
    make_author,
    make_related,
    make_report,
    make_series,
    pin,
)

pytestmark = pytest.mark.django_db


@contextmanager
def moves_version(expected=True):
    before = content_version()
    yield
    moved = content_version() != before
    assert moved == expected, "moved" if moved else "did not move"


def test_a_public_change_moves_the_version_in_its_transaction():
    report = make_report(title="Live")
    before = content_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        report.title = "Changed"
        report.save()
        assert content_version() == before + 1
        raise RuntimeError("the save fails after all")
    assert content_version() == before


@pytest.mark.parametrize(
    "change",
    [
        "edit live",
        "publish draft",
        "unpublish live",
        "delete live",
        "summary point of live",
        "author of live",
        "pin on live",
        "topic on live",
        "topic off live",
        "rename used author",
        "rename used series",
        "rename used topic",
        "rename a type",
    ],
)
def test_changes_readers_see_move_the_version(change):
    author = make_author(name="Ann")
    series = make_series(title="Briefings")
    live = make_report(title="Live", authors=[author], series=series, tags=["Water"])
    draft = make_report(title="Draft", published=False)
    with moves_version():
        if change == "edit live":
            live.teaser = "New teaser"
            live.save()
        elif change == "publish draft":
            draft.status = "published"
            draft.save()
        elif change == "unpublish live":
            live.status = "draft"
            live.save()
        elif change == "delete live":
            live.delete()
        elif change == "summary point of live":
            live.summary_points.create(text="Point")
        elif change == "author of live":
            live.authorships.create(author=make_author(name="Bo"), position=2)
        elif change == "pin on live":
            pin(live, make_related())
        elif change == "topic on live":
            live.tags.add("Oil")
        elif change == "topic off live":
            live.tags.remove("Water")
        elif change == "rename used author":
            author.name = "Ann B"
            author.save()
        elif change == "rename used series":
            series.title = "Notes"
            series.save()
        elif change == "rename used topic":
            tag = Tag.objects.get(name="Water")
            tag.name = "Fresh water"
            tag.save()
        else:
            kind = PublicationType.objects.get(slug="special-report")
            kind.name = "Special Reports"
            kind.save()


@pytest.mark.parametrize(
    "change",
    [
        "edit draft",
        "new draft",
        "edit scheduled",
        "schedule draft",
        "summary point of draft",
        "author of draft",
        "pin on draft",
        "topic on draft",
        "rename unused author",
        "rename unused series",
        "rename unused topic",
        "edit expired",
    ],
)
def test_changes_readers_cannot_see_leave_the_version(change):
    draft = make_report(title="Draft", published=False, tags=["Secret"])
    scheduled = make_report(title="Later", publish_at=ago(-3))
    expired = make_report(title="Gone", publish_at=ago(9), unpublish_at=ago(1))
    author = make_author(name="Unused")
    series = make_series(title="Empty")
    with moves_version(expected=False):
        if change == "edit draft":
            draft.title = "Draft 2"
            draft.save()
        elif change == "new draft":
            make_related(published=False, tags=["Water"])
        elif change == "edit scheduled":
            scheduled.title = "Later 2"
            scheduled.save()
        elif change == "schedule draft":
            draft.status = "published"
            draft.publish_at = ago(-2)
            draft.save()
        elif change == "summary point of draft":
            draft.summary_points.create(text="Point")
        elif change == "author of draft":
            draft.authorships.create(author=author, position=1)
        elif change == "pin on draft":
            pin(draft, make_related(published=False))
        elif change == "topic on draft":
            draft.tags.add("Oil")
        elif change == "rename unused author":
            author.name = "Still unused"
            author.save()
        elif change == "rename unused series":
            series.title = "Still empty"
            series.save()
        elif change == "rename unused topic":
            tag = Tag.objects.get(name="Secret")
            tag.name = "Hidden"
            tag.save()
        else:
            expired.title = "Gone 2"
            expired.save()


def test_a_scheduled_item_moves_the_version_at_its_moment(monkeypatch):
    now = timezone.now()
    with moves_version(expected=False):
        report = make_report(publish_at=now + timedelta(minutes=5))
    assert ContentVersion.objects.get().next_change_at == report.publish_at
    before = content_version()

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=5))
    assert content_version() == before + 1
    assert content_version() == before + 1  # once, not on every read
    assert ContentVersion.objects.get().next_change_at is None


def test_an_item_leaves_just_after_its_unpublish_moment(monkeypatch):
    now = timezone.now()
    report = make_report(publish_at=ago(1), unpublish_at=now + timedelta(minutes=5))
    before = content_version()

    monkeypatch.setattr(timezone, "now", lambda: report.unpublish_at)
    assert content_version() == before
    later = report.unpublish_at + timedelta(microseconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert content_version() == before + 1


def _changed_at_the_move(monkeypatch, moment):
    """Return the keys marked changed when the version moves on at *moment*."""
    before = content_version()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert content_version() == before + 1
    return set(
        KeyChange.objects.filter(changed_at=before + 1).values_list("key", flat=True)
    )


def test_a_scheduled_item_going_live_alters_its_own_pages_only(monkeypatch):
    other = make_report(title="Already live", tags=["Ice"], type_slug="analysis")
    report = make_report(title="Embargoed", publish_at=ago(-1), tags=["Water"])
    water = Tag.objects.get(name="Water").pk
    ice = Tag.objects.get(name="Ice").pk

    changed = _changed_at_the_move(monkeypatch, report.publish_at)

    # What publishing it by hand at that moment would alter.
    assert changed == publication_keys(report.pk)
    assert {publication_key(report.pk), f"topic-{water}", *LISTS} <= changed
    assert listing_key("type", "special-report") in changed
    # Not every page, and not the other item's page, topic or type.
    assert EVERYTHING not in changed
    assert publication_key(other.pk) not in changed
    assert f"topic-{ice}" not in changed
    assert listing_key("type", "analysis") not in changed


def test_an_item_leaving_on_schedule_alters_the_pages_showing_it(monkeypatch):
    leaving = make_report(title="Withdrawn at noon", unpublish_at=ago(-1))
    showing = make_report(title="Pins it")
    pin(showing, leaving)
    keys = publication_keys(leaving.pk)

    changed = _changed_at_the_move(
        monkeypatch, leaving.unpublish_at + timedelta(microseconds=1)
    )

    # Its key is on every page showing it: the pinning item's page too.
    assert changed == keys
    assert EVERYTHING not in changed
    assert publication_key(showing.pk) not in changed


def test_many_items_at_one_moment_alter_every_page(monkeypatch):
    moment = ago(-1)
    monkeypatch.setattr(versions, "SCHEDULED_ITEMS_NAMED", 2)
    for number in range(3):
        make_report(title=f"Batch {number}", publish_at=moment)

    assert EVERYTHING in _changed_at_the_move(monkeypatch, moment)


def test_a_scheduled_moment_leaves_other_items_cards_current(monkeypatch):
    other = make_report(title="Already live")
    report = make_report(title="Embargoed", publish_at=ago(-1))
    store_missing_cards()

    monkeypatch.setattr(timezone, "now", lambda: report.publish_at)
    content_version()

    assert store_missing_cards() == 1  # the new item's: the other's still counts
    assert StoredCard.objects.filter(publication=other).count() == len(StoredCard.Kind)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks order the two transactions on PostgreSQL; SQLite runs one"
    " writer at a time",
)
@pytest.mark.django_db(transaction=True)
def test_a_moment_scheduled_while_the_version_moves_on_is_kept(monkeypatch):
    """An item scheduled while a move reads the next moment keeps its moment.

    The move reads the next moment once it holds the version's row; the
    scheduling transaction writes that row, so it commits first (and is
    read) or waits and then lowers the moment the move set. Were either
    left out, the move would set no next moment, and the item would go
    live unmarked.
    """
    due = make_report(title="Due", publish_at=ago(-1))
    later = timezone.now() + timedelta(days=2)
    read_next_change = versions._next_change
    scheduling = []

    def schedule():
        try:
            # Nothing public: its authors and topics are new to the site.
            make_report(
                title="Scheduled meanwhile",
                publish_at=later,
                authors=[make_author(name="New Author")],
                tags=["New topic"],
            )
        finally:
            connection.close()

    def next_change(now):
        found = read_next_change(now)
        if not scheduling:
            scheduling.append(threading.Thread(target=schedule))
            scheduling[0].start()
            # Until it commits, or waits for the row the move holds.
            with connection.cursor() as cursor:
                for _ in range(200):
                    scheduling[0].join(timeout=0.05)
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE wait_event_type = 'Lock'"
                        " AND datname = current_database()"
                    )
                    if not scheduling[0].is_alive() or cursor.fetchone()[0]:
                        break
        return found

    monkeypatch.setattr(versions, "_next_change", next_change)
    version = content_version()
    # The moment has come for this thread only: the other must not move on.
    main, real_now = threading.current_thread(), timezone.now
    monkeypatch.setattr(
        timezone,
        "now",
        lambda: due.publish_at if threading.current_thread() is main else real_now(),
    )
    content_version()
    scheduling[0].join(timeout=10)

    assert content_version() == version + 1  # the move only
    assert ContentVersion.objects.get().next_change_at == later


def test_a_new_database_starts_from_the_clock_not_from_one():
    ContentVersion.objects.all().delete()
    assert content_version() > 1_700_000_000_000


@contextmanager
def a_request():
    """Signal a request's start and end, as the handler does.

    Django also closes old database connections on these signals; left out
    here, or the test's transaction would be lost.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        try:
            yield
        finally:
            request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _saved_elsewhere():
    """Move the version as another app server's save does."""
    ContentVersion.objects.update(version=ContentVersion.objects.get().version + 1)


def test_a_request_reads_the_version_once_and_the_next_one_afresh():
    with a_request():
        assert remember("sample", lambda: "first") == "first"
        # This page is still built from one version: no old and new parts.
        _saved_elsewhere()
        assert remember("sample", lambda: "second") == "first"

    with a_request():
        assert remember("sample", lambda: "second") == "second"


def test_outside_requests_every_read_asks_for_the_version():
    remember("sample", lambda: "first")
    _saved_elsewhere()
    assert remember("sample", lambda: "second") == "second"


def test_remember_skips_the_cache_for_another_moment():
    calls = []
    remember("sample", lambda: calls.append(1), now=ago(1))
    remember("sample", lambda: calls.append(1), now=ago(1))
    assert len(calls) == 2


def test_counts_are_remembered_per_key_until_a_public_change():
    make_report()
    live = make_report().__class__.objects.live()
    assert count_publications(live, key="all") == 2
    make_report(published=False)
    assert count_publications(live, key="all") == 2
    assert count_publications(live, key="other") == 2
    make_report()
    assert count_publications(live, key="all") == 3


def test_filter_options_kept_in_a_process_follow_a_change_made_elsewhere(
    client, settings
):
    settings.FOLIO_PAGE_CACHE_SECONDS = 0
    make_report(tags=["Water"])
    oil = make_report(tags=["Oil"], published=False)
    client.get("/publications/")
    # Another app server publishes: its row, its version and its queued
    # change (publications.derived), not our signals.
    Publication.objects.filter(pk=oil.pk).update(status="published")
    record_changes([oil.pk])
    assert '<option value="oil">' not in client.get("/publications/").content.decode()

    _saved_elsewhere()

    content = client.get("/publications/").content.decode()
    assert '<option value="oil">Oil (1)</option>' in content


def test_listing_choices_leave_out_excluded_keys():
    make_report(tags=["Water"])
    choices = listing_choices(without=("topics",))
    assert choices["topics"] == []
    assert listing_choices()["topics"][0]["name"] == "Water"


@pytest.mark.parametrize(
    ("url", "before", "after"),
    [
        ("/topics/", "Water", "Oil"),
        ("/authors/", "Ann Author", "Bo Author"),
        ("/series/", "Water Briefings", "Oil Briefings"),
        ("/", "Water", "Oil"),
    ],
)
def test_index_pages_follow_content_changes_at_once(client, url, before, after):
    make_report(
        tags=["Water"],
        authors=[make_author(name="Ann Author")],
        series=make_series(title="Water Briefings"),
    )
    assert before in client.get(url).content.decode()
    assert after not in client.get(url).content.decode()

    make_report(
        tags=["Oil"],
        authors=[make_author(name="Bo Author")],
        series=make_series(title="Oil Briefings"),
    )

    assert after in client.get(url).content.decode()
