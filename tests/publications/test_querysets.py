from datetime import timedelta

import pytest
from django.utils import timezone

from publications.models import Publication, Report
from tests.factories import make_related, make_report

pytestmark = pytest.mark.django_db

ONE_MICROSECOND = timedelta(microseconds=1)


def test_live_includes_an_item_at_its_publish_instant():
    now = timezone.now()
    report = make_report(publish_at=now)

    assert list(Publication.objects.live(now=now)) == [report.publication_ptr]
    assert not Publication.objects.live(now=now - ONE_MICROSECOND).exists()


def test_live_includes_an_item_at_its_unpublish_instant_only():
    now = timezone.now()
    report = make_report(publish_at=now - timedelta(days=1), unpublish_at=now)

    assert list(Report.objects.live(now=now)) == [report]
    assert not Report.objects.live(now=now + ONE_MICROSECOND).exists()


def test_live_never_includes_drafts_or_scheduled_items():
    now = timezone.now()
    live = make_report(title="Live")
    make_report(title="Draft", published=False)
    make_report(title="Draft in the past", published=False, publish_at=now)
    make_related(title="Scheduled", publish_at=now + timedelta(minutes=1))
    make_related(
        title="Expired",
        publish_at=now - timedelta(days=2),
        unpublish_at=now - timedelta(days=1),
    )

    titles = list(Publication.objects.live().values_list("title", flat=True))

    assert titles == [live.title]


def test_scheduled_item_becomes_live_at_its_instant_without_any_job():
    publish_at = timezone.now() + timedelta(hours=1)
    report = make_report(publish_at=publish_at)

    assert not Report.objects.live().exists()
    assert list(Report.objects.live(now=publish_at)) == [report]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("draft", ["Draft"]),
        ("scheduled", ["Scheduled"]),
        ("live", ["Live"]),
        ("expired", ["Expired"]),
    ],
)
def test_in_state_matches_the_state_of_each_item(state, expected):
    now = timezone.now()
    make_report(title="Draft", published=False)
    make_report(title="Scheduled", publish_at=now + timedelta(days=1))
    make_report(title="Live", publish_at=now - timedelta(days=1))
    make_report(
        title="Expired",
        publish_at=now - timedelta(days=2),
        unpublish_at=now - timedelta(days=1),
    )

    found = Report.objects.in_state(state, now=now)

    assert [report.title for report in found] == expected
    assert all(report.state(now=now) == state for report in found)


def test_in_state_refuses_an_unknown_state():
    with pytest.raises(ValueError, match="Unknown publication state"):
        Publication.objects.in_state("withdrawn")
