"""The admin home page's panels: exact members and order, a bounded page."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from publications import dashboard
from publications.models import Publication
from publications.states import ReviewStatus, Status
from tests.admin_pages import logged_in
from tests.factories import make_related, make_report, make_user

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = timedelta(days=1)


def _item(
    *, status, publish_in, created_ago=60, updated_ago=0, review="", related=False
):
    make = make_related if related else make_report
    item = make(
        published=status == Status.PUBLISHED,
        publish_at=NOW + publish_in * DAY,
    )
    Publication.objects.filter(pk=item.pk).update(
        created_at=NOW - created_ago * DAY,
        updated_at=NOW - updated_ago * DAY,
        review_status=review,
    )
    return Publication.objects.get(pk=item.pk)


def _pks(queryset):
    return [item.pk for item in queryset]


def test_scheduled_soon_lists_the_next_14_days_soonest_first():
    later = _item(status=Status.PUBLISHED, publish_in=10)
    sooner = _item(status=Status.PUBLISHED, publish_in=1, related=True)
    _item(status=Status.PUBLISHED, publish_in=20)
    _item(status=Status.PUBLISHED, publish_in=-1)
    _item(status=Status.DRAFT, publish_in=3)

    assert _pks(dashboard.scheduled_soon(now=NOW)) == [sooner.pk, later.pk]


def test_waiting_for_review_lists_the_queue_longest_waiting_first():
    recent = _item(status=Status.DRAFT, publish_in=-1, updated_ago=1, review="waiting")
    oldest = _item(status=Status.DRAFT, publish_in=-1, updated_ago=5, review="waiting")
    _item(status=Status.DRAFT, publish_in=-1, review="sent_back")
    _item(status=Status.DRAFT, publish_in=-1)

    assert _pks(dashboard.waiting_for_review()) == [oldest.pk, recent.pk]


def test_overdue_lists_drafts_whose_chosen_date_passed():
    missed = _item(status=Status.DRAFT, publish_in=-2, created_ago=10, review="waiting")
    missed_earlier = _item(status=Status.DRAFT, publish_in=-5, created_ago=10)
    _item(status=Status.DRAFT, publish_in=-20, created_ago=10)  # default date
    _item(status=Status.DRAFT, publish_in=3, created_ago=10)  # not yet
    _item(status=Status.PUBLISHED, publish_in=-2, created_ago=10)  # live

    assert _pks(dashboard.overdue(now=NOW)) == [missed_earlier.pk, missed.pk]


def test_untouched_drafts_leaves_out_the_queue():
    oldest = _item(status=Status.DRAFT, publish_in=-1, updated_ago=90)
    old = _item(status=Status.DRAFT, publish_in=-1, updated_ago=31, review="sent_back")
    _item(status=Status.DRAFT, publish_in=-1, updated_ago=40, review="waiting")
    _item(status=Status.DRAFT, publish_in=-1, updated_ago=29)
    _item(status=Status.PUBLISHED, publish_in=-100, updated_ago=100)

    assert _pks(dashboard.untouched_drafts(now=NOW)) == [oldest.pk, old.pk]


def test_drafts_of_a_user_are_those_they_added_or_changed_in_the_admin():
    user, other = make_user(), make_user()
    mine = _item(status=Status.DRAFT, publish_in=-1, updated_ago=2)
    mine_newer = _item(status=Status.DRAFT, publish_in=-1, updated_ago=1, related=True)
    theirs = _item(status=Status.DRAFT, publish_in=-1)
    mine_but_live = _item(status=Status.PUBLISHED, publish_in=-1)
    for author, item in [
        (user, mine),
        (user, mine),
        (user, mine_newer),
        (other, theirs),
        (user, mine_but_live),
    ]:
        _log(author, item)

    assert _pks(dashboard.drafts_of(user)) == [mine_newer.pk, mine.pk]


def _log(user, item):
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[item.specific],
        action_flag=ADDITION,
        change_message="Added.",
        single_object=True,
    )


def test_every_panel_matches_a_brute_force_reading_of_every_item():
    """Each combination of status, dates and review gets its expected panels."""
    combinations = itertools.product(
        (Status.DRAFT, Status.PUBLISHED),
        (-40, -3, 5, 20),  # publish date, days from now
        (50, 1),  # created, days ago
        (45, 2),  # updated, days ago
        ("", "waiting", "sent_back"),
    )
    for status, publish_in, created_ago, updated_ago, review in combinations:
        if status == Status.PUBLISHED and review:
            continue
        _item(
            status=status,
            publish_in=publish_in,
            created_ago=created_ago,
            updated_ago=updated_ago,
            review=review,
        )
    items = list(Publication.objects.all())
    draft = [i for i in items if i.status == Status.DRAFT]

    def expected(rows, key):
        return [i.pk for i in sorted(rows, key=lambda i: (key(i), i.pk))]

    assert _pks(dashboard.scheduled_soon(now=NOW)) == expected(
        [
            i
            for i in items
            if i.status == Status.PUBLISHED and NOW < i.publish_at <= NOW + 14 * DAY
        ],
        lambda i: i.publish_at,
    )
    assert _pks(dashboard.waiting_for_review()) == expected(
        [i for i in items if i.review_status == ReviewStatus.WAITING],
        lambda i: i.updated_at,
    )
    assert _pks(dashboard.overdue(now=NOW)) == expected(
        [i for i in draft if i.created_at < i.publish_at <= NOW],
        lambda i: i.publish_at,
    )
    assert _pks(dashboard.untouched_drafts(now=NOW)) == expected(
        [
            i
            for i in draft
            if i.updated_at < NOW - 30 * DAY and i.review_status != "waiting"
        ],
        lambda i: i.updated_at,
    )
    assert all(
        _pks(selector)
        for selector in (
            dashboard.scheduled_soon(now=NOW),
            dashboard.waiting_for_review(),
            dashboard.overdue(now=NOW),
            dashboard.untouched_drafts(now=NOW),
        )
    ), "each panel has rows in this data"


def _home(client):
    return client.get(reverse("admin:index"))


def test_home_page_shows_the_panels_in_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    editor = make_user(role="Editors")
    client = logged_in(editor)
    ContentType.objects.clear_cache()
    _home(client)
    for n in range(3):
        item = _item(status=Status.DRAFT, publish_in=-1, updated_ago=40 + n)
        _log(editor, item)
        _item(status=Status.PUBLISHED, publish_in=n + 1)
        _item(status=Status.DRAFT, publish_in=-1, review="waiting")

    with django_assert_max_num_queries(12) as captured:
        response = _home(client)
    few = len(captured)
    for n in range(3):
        _item(status=Status.DRAFT, publish_in=-1, review="waiting")
        _item(status=Status.PUBLISHED, publish_in=n + 1)
    with django_assert_max_num_queries(few):
        _home(client)

    page = response.content.decode()
    for caption in (
        "Waiting for review",
        "Scheduled in the next 14 days",
        "Publish date passed, not live",
        "Drafts untouched for 30 days",
        "My drafts",
    ):
        assert f"<caption>{caption}</caption>" in page
    waiting = response.context["panels"][0]
    assert len(waiting.rows) == 3
    assert waiting.rows[0]["url"].startswith("/admin/publications/")


def test_home_page_panels_stop_at_ten_rows():
    editor = make_user(role="Editors")
    for _ in range(11):
        _item(status=Status.DRAFT, publish_in=-1, review="waiting")

    response = _home(logged_in(editor))

    waiting = response.context["panels"][0]
    assert (len(waiting.rows), waiting.more) == (10, True)
    assert "Showing the first 10." in response.content.decode()


def test_users_who_may_not_preview_get_no_panels():
    _item(status=Status.DRAFT, publish_in=-1, review="waiting")

    response = _home(logged_in(make_user()))

    assert response.context["panels"] == []
    assert "Waiting for review" not in response.content.decode()
