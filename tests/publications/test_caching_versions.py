"""The content version: moved on by public changes only, in their transaction."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from taggit.models import Tag

from publications.caching import content_version, remember
from publications.derived.changes import record_changes
from publications.models import ContentVersion, Publication, PublicationType
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
