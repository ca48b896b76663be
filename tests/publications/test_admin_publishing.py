"""Publishing through the admin: only the publish permission makes items live."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from publications.models import Publication, RelatedPublication, Report
from tests.factories import (
    make_related,
    make_report,
    make_user,
    publication_admin_data,
    report_admin_needs,
)

pytestmark = pytest.mark.django_db

REPORTS = "admin:publications_report_changelist"
RELATED = "admin:publications_relatedpublication_changelist"


@pytest.fixture
def contributor_client(client):
    client.force_login(make_user(role="Contributors"))
    return client


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(role="Editors"))
    return client


def _change_url(publication):
    name = publication._meta.model_name
    return reverse(f"admin:publications_{name}_change", args=[publication.pk])


def _act(client, changelist, action, *publications):
    return client.post(
        reverse(changelist),
        {"action": action, "_selected_action": [p.pk for p in publications]},
        follow=True,
    )


def _publishing(publication):
    publication.refresh_from_db()
    return publication.status, publication.publish_at, publication.unpublish_at


# The form


def test_contributor_form_shows_publishing_fields_read_only(contributor_client):
    report = make_report(published=False)

    response = contributor_client.get(_change_url(report))

    form = response.context["adminform"].form
    assert {"status", "publish_at", "unpublish_at"}.isdisjoint(form.fields)
    assert b"Only editors can publish" in response.content


@pytest.mark.parametrize("kind", ["report", "related"])
def test_contributor_adding_a_published_item_gets_a_draft(contributor_client, kind):
    data = publication_admin_data(
        kind=kind,
        slug="tampered",
        status="published",
        publish_at=timezone.now() - timedelta(days=1),
    )
    changelist = REPORTS if kind == "report" else RELATED

    response = contributor_client.post(
        reverse(changelist.replace("changelist", "add")), data
    )

    assert response.status_code == 302
    publication = Publication.objects.get(slug="tampered")
    assert publication.status == Publication.Status.DRAFT
    assert not Publication.objects.live().exists()


def test_contributor_cannot_publish_a_draft_by_posting_the_status(contributor_client):
    report = make_report(slug="draft", published=False)
    before = _publishing(report)
    data = publication_admin_data(
        slug="draft", title="Edited", status="published", publish_at=timezone.now()
    )

    response = contributor_client.post(_change_url(report), data)

    assert response.status_code == 302
    assert _publishing(report) == before
    assert report.title == "Edited"  # the rest of the form was saved


def test_contributor_cannot_take_a_live_item_down(contributor_client):
    related = make_related(slug="live")
    before = _publishing(related)
    past = timezone.now() - timedelta(hours=1)
    data = publication_admin_data(
        kind="related",
        slug="live",
        status="draft",
        publish_at=past - timedelta(days=1),
        unpublish_at=past,
    )

    contributor_client.post(_change_url(related), data)

    assert _publishing(related) == before
    assert related.is_live()


def test_contributor_cannot_move_a_scheduled_date_forward(contributor_client):
    report = make_report(slug="soon", publish_at=timezone.now() + timedelta(days=3))
    before = _publishing(report)
    data = publication_admin_data(
        slug="soon", status="published", publish_at=timezone.now() - timedelta(days=1)
    )

    contributor_client.post(_change_url(report), data)

    assert _publishing(report) == before
    assert report.state() == "scheduled"


def test_contributor_save_as_new_of_a_live_item_is_a_draft(contributor_client):
    report = make_report(slug="original")
    data = publication_admin_data(slug="copy", status="published", _saveasnew="1")

    contributor_client.post(_change_url(report), data)

    assert Report.objects.get(slug="copy").status == Publication.Status.DRAFT


def test_editor_publishes_and_schedules_through_the_form(editor_client):
    tomorrow = timezone.now() + timedelta(days=1)
    editor_client.post(
        reverse("admin:publications_report_add"),
        publication_admin_data(slug="now", status="published", **report_admin_needs()),
    )
    editor_client.post(
        reverse("admin:publications_report_add"),
        publication_admin_data(
            slug="later",
            status="published",
            publish_at=tomorrow,
            **report_admin_needs(),
        ),
    )

    assert Report.objects.get(slug="now").state() == "live"
    assert Report.objects.get(slug="later").state() == "scheduled"


def test_unpublish_date_before_publish_date_is_a_form_error(editor_client):
    now = timezone.now()
    data = publication_admin_data(
        slug="x", publish_at=now, unpublish_at=now - timedelta(days=1)
    )

    response = editor_client.post(reverse("admin:publications_report_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["unpublish_at"] == [
        "The unpublish date must be after the publish date."
    ]
    assert not Report.objects.exists()


# Bulk actions


def test_contributor_is_not_offered_the_publishing_actions(contributor_client):
    make_report()

    response = contributor_client.get(reverse(REPORTS))

    action_form = response.context["action_form"]
    actions = {
        name
        for name, _label in (
            action_form.fields["action"].choices if action_form else ()
        )
    }
    assert {"publish_now", "unpublish", "delete_selected"}.isdisjoint(actions)
    assert b"Publish now" not in response.content


def test_contributor_posting_the_publish_action_changes_nothing(contributor_client):
    draft = make_report(published=False)
    before = _publishing(draft)

    response = _act(contributor_client, REPORTS, "publish_now", draft)

    assert response.status_code == 200
    assert _publishing(draft) == before


def test_contributor_posting_the_unpublish_action_changes_nothing(contributor_client):
    live = make_related()

    _act(contributor_client, RELATED, "unpublish", live)

    assert live.is_live()
    assert _publishing(live)[0] == Publication.Status.PUBLISHED


def test_contributor_cannot_delete_by_page_or_bulk_action(contributor_client):
    report = make_report()
    delete_url = reverse("admin:publications_report_delete", args=[report.pk])

    assert contributor_client.get(delete_url).status_code == 403
    assert contributor_client.post(delete_url, {"post": "yes"}).status_code == 403
    _act(contributor_client, REPORTS, "delete_selected", report)
    assert Report.objects.filter(pk=report.pk).exists()


def test_publish_now_makes_drafts_and_scheduled_items_live_now(editor_client):
    draft = make_report(published=False, publish_at=timezone.now() - timedelta(days=9))
    scheduled = make_report(publish_at=timezone.now() + timedelta(days=9))
    before = timezone.now()

    response = _act(editor_client, REPORTS, "publish_now", draft, scheduled)

    for report in (draft, scheduled):
        report.refresh_from_db()
        assert report.state() == "live"
        assert report.publish_at >= before
    assert "2 items are now live." in response.content.decode()


def test_publish_now_brings_back_an_expired_item_with_its_date(editor_client):
    published_at = timezone.now() - timedelta(days=5)
    expired = make_related(
        publish_at=published_at, unpublish_at=timezone.now() - timedelta(days=1)
    )

    _act(editor_client, RELATED, "publish_now", expired)

    expired.refresh_from_db()
    assert expired.is_live()
    assert expired.publish_at == published_at
    assert expired.unpublish_at is None


def test_publish_now_leaves_live_items_alone(editor_client):
    live = make_report()
    before = _publishing(live)

    response = _act(editor_client, REPORTS, "publish_now", live)

    assert _publishing(live) == before
    assert "Items already live were left as they were." in response.content.decode()


def test_unpublish_takes_items_off_the_site(editor_client):
    live = make_report()
    scheduled = make_report(publish_at=timezone.now() + timedelta(days=1))

    response = _act(editor_client, REPORTS, "unpublish", live, scheduled)

    assert not Report.objects.live(now=timezone.now() + timedelta(days=2)).exists()
    assert "2 items are now drafts and off the site." in response.content.decode()


def test_bulk_actions_are_recorded_in_the_history(editor_client):
    draft = make_related(published=False)

    _act(editor_client, RELATED, "publish_now", draft)

    entry = LogEntry.objects.get(object_id=str(draft.pk))
    assert entry.get_change_message() == "Published now."


def test_bulk_actions_bump_the_version(editor_client):
    draft = make_related(published=False)

    _act(editor_client, RELATED, "publish_now", draft)

    assert RelatedPublication.objects.get(pk=draft.pk).version == draft.version + 1
