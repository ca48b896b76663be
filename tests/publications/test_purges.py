"""Purges of the shared HTTP cache: recorded with each public change, then sent."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from publications.caching.purges import deliver_due
from publications.caching.versions import public_content_changed
from publications.derived.drain import drain
from publications.models import Authorship, PurgeRequest, Report
from tests.factories import make_author, make_report, make_series
from tests.purge_backends import FAILING, RECORDING, RecordingPurgeBackend, purged_keys

pytestmark = pytest.mark.django_db

LISTS = {"listing", "feed", "sitemap", "search"}


@pytest.fixture
def purging(settings):
    settings.FOLIO_PURGE_BACKEND = RECORDING
    settings.FOLIO_PURGE_REPEAT_SECONDS = 5
    RecordingPurgeBackend.purged.clear()
    yield
    RecordingPurgeBackend.purged.clear()


def _forget_purges():
    """Drop the purges that setting up recorded (never sent: nothing committed).

    Its changes count as drained into the related lists, as they would be
    once committed.
    """
    drain()
    PurgeRequest.objects.all().delete()
    purged_keys()


def _publish(report):
    report.status = Report.Status.PUBLISHED
    report.publish_at = timezone.now() - timedelta(minutes=1)
    report.save()


def test_publishing_purges_the_item_its_lists_authors_topics_and_series(
    purging, committed
):
    author, series = make_author(), make_series()
    report = make_report(authors=[author], series=series, published=False)
    topic_id = report.tags.get().pk
    _forget_purges()
    with committed():
        _publish(report)
    assert purged_keys() == {
        f"publication-{report.pk}",
        f"author-{author.pk}",
        f"topic-{topic_id}",
        f"series-{series.pk}",
        # The listings filtered by its author, series, type and year.
        f"list-author-{author.slug}",
        f"list-series-{series.slug}",
        "list-type-special-report",
        f"list-year-{report.publish_at.year}",
        *LISTS,
    }
    # Delivered and deleted; the repeats (of the change, and of the related
    # lists it rewrote) wait for their moment.
    repeats = PurgeRequest.objects.all()
    assert repeats and all(row.due_at > timezone.now() for row in repeats)


def test_a_draft_save_purges_nothing(purging, committed):
    report = make_report(published=False)
    with committed():
        report.title = "Still a draft"
        report.save()
        Authorship.objects.create(publication=report, author=make_author())
    assert purged_keys() == set()
    assert not PurgeRequest.objects.exists()


def test_the_purge_is_recorded_in_the_transaction_of_the_change(purging):
    report = make_report(title="Live")
    _forget_purges()
    with pytest.raises(RuntimeError), transaction.atomic():
        report.title = "Changed"
        report.save()
        assert PurgeRequest.objects.count() == 2  # now, and its repeat
        raise RuntimeError("the save fails after all")
    assert not PurgeRequest.objects.exists()


def test_a_failed_purge_is_kept_and_retried_with_backoff(settings, purging, committed):
    settings.FOLIO_PURGE_BACKEND = FAILING
    report = make_report(title="Live")
    _forget_purges()
    with committed():
        report.title = "Changed"
        report.save()
    first = PurgeRequest.objects.order_by("due_at").first()
    assert first.attempts == 1
    assert first.due_at > timezone.now()
    assert "the cache is down" in first.last_error

    settings.FOLIO_PURGE_BACKEND = RECORDING
    # The change's purge and its repeat (a new title changes no related
    # list, so the drain adds none).
    assert deliver_due(now=timezone.now() + timedelta(minutes=10)) == 2
    assert f"publication-{report.pk}" in purged_keys()
    assert not PurgeRequest.objects.exists()


def test_moving_an_item_purges_the_topic_author_and_series_it_left(purging, committed):
    author, series = make_author(), make_series()
    report = make_report(authors=[author], series=series)
    old_topic = report.tags.get().pk
    _forget_purges()
    with committed():
        report.series = None
        report.save()
        report.tags.set(["Another topic"])
        Authorship.objects.filter(publication=report).delete()
    keys = purged_keys()
    assert {f"series-{series.pk}", f"author-{author.pk}"} <= keys
    assert f"topic-{old_topic}" in keys
    assert "folio" not in keys


def test_renaming_a_public_author_purges_every_page(purging, committed):
    author = make_author()
    make_report(authors=[author])
    _forget_purges()
    with committed():
        author.name = "Renamed"
        author.save()
    assert purged_keys() == {"folio"}


def test_a_scheduled_item_is_purged_at_its_moment_with_its_keys_then(
    purging, committed
):
    moment = timezone.now() + timedelta(hours=1)
    with committed():
        report = make_report(publish_at=moment)
    assert purged_keys() == set()
    (row,) = PurgeRequest.objects.filter(publication_id=report.pk)
    assert row.due_at == moment

    assert deliver_due(now=moment - timedelta(seconds=1)) == 0
    assert deliver_due(now=moment) == 1
    topic_id = report.tags.get().pk
    assert {f"publication-{report.pk}", f"topic-{topic_id}", *LISTS} <= purged_keys()


def test_the_purger_delivers_what_is_due_and_refuses_to_run_unconfigured(
    settings, purging
):
    PurgeRequest.objects.create(keys="listing feed", due_at=timezone.now())
    call_command("run_purger", "--once")
    assert purged_keys() == {"listing", "feed"}
    assert not PurgeRequest.objects.exists()

    settings.FOLIO_PURGE_BACKEND = ""
    with pytest.raises(CommandError, match="FOLIO_PURGE_BACKEND"):
        call_command("run_purger", "--once")


def test_nothing_is_recorded_without_a_purge_backend(settings, committed):
    settings.FOLIO_PURGE_BACKEND = ""
    with committed():
        make_report(title="Live")
        make_report(publish_at=timezone.now() + timedelta(hours=1))
    assert not PurgeRequest.objects.exists()


def test_a_public_change_that_names_no_pages_purges_every_page(purging, committed):
    """Code that moves the content version on without keys fails closed."""
    with committed():
        public_content_changed()
    assert purged_keys() == {"folio"}
