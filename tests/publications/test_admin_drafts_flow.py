"""Editors save drafts of published items, compare, preview and publish them."""

import io
from datetime import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url
from publications.drafts import draft_of_item
from publications.models import Report
from tests.admin_pages import admin_url, logged_in, open_form, publish_changes
from tests.factories import make_author, make_report, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:publications_report_changelist")


@pytest.fixture
def editor():
    return logged_in(make_user(role="Editors"))


@pytest.fixture
def contributor():
    return logged_in(make_user(role="Contributors"))


def _public(reader, report):
    """Return what a reader gets of *report*: page, feed, search and export."""
    export = io.StringIO()
    call_command("export_publications", "--format=csv", stdout=export)
    return "\n".join(
        (
            reader.get(report.get_absolute_url()).content.decode(),
            reader.get("/feeds/publications/").content.decode(),
            reader.get("/publications/?q=reviewed").content.decode(),
            export.getvalue(),
        )
    )


def test_editor_saves_a_draft_then_publishes_it(editor, shared_cache):
    report = make_report(title="Original title", slug="item", authors=[make_author()])
    reader = Client()
    assert "Original title" in _public(reader, report)
    assert reader.get(report.get_absolute_url())["X-Cache"] == "hit"
    form = open_form(editor, admin_url(report), report)

    saved = editor.post(
        admin_url(report),
        form | {"title": "Reviewed title", "_savedraft": ""},
        follow=True,
    )

    assert "Draft saved." in saved.content.decode()
    public = _public(reader, report)
    assert "Original title" in public and "Reviewed title" not in public
    listing = editor.get(CHANGELIST).content.decode()
    assert listing.count('name="_selected_action"') == 1  # one row per item
    assert "Reviewed title" not in listing
    assert "Unpublished changes" in listing
    page = editor.get(admin_url(report)).content.decode()
    assert "This item has unpublished changes." in page
    assert 'value="Reviewed title"' in page
    assert f"{report.get_absolute_url()}?preview=draft" in page
    preview = editor.get(f"{report.get_absolute_url()}?preview=draft")
    assert "Reviewed title" in preview.content.decode()
    compare = editor.get(admin_url(report, "changes")).content.decode()
    assert "Original title" in compare and "Reviewed title" in compare

    published = editor.post(
        admin_url(report),
        open_form(editor, admin_url(report), report) | {"_publish": ""},
        follow=True,
    )

    content = published.content.decode()
    assert "Published: now live at" in content
    assert f'<a href="{absolute_url("/publications/item/")}">' in content
    public = _public(reader, report)
    assert "Reviewed title" in public and "Original title" not in public
    assert Report.objects.get(pk=report.pk).title == "Reviewed title"
    assert draft_of_item(report) is None
    assert Report.objects.count() == 1


def test_a_contributors_draft_is_continued_then_published_by_an_editor(
    contributor, editor
):
    report = make_report(title="Original", summary_points=["Point"])
    contributor.post(
        admin_url(report),
        open_form(contributor, admin_url(report), report) | {"title": "First pass"},
    )
    again = open_form(contributor, admin_url(report), report)
    assert again["title"] == "First pass"
    contributor.post(
        admin_url(report), again | {"summary_points-0-text": "Reviewed point"}
    )
    assert (
        contributor.post(
            admin_url(report, "publish_changes"), {"draft_version": "1"}
        ).status_code
        == 403
    )

    response = publish_changes(editor, report)

    assert response.status_code == 302
    stored = Report.objects.get(pk=report.pk)
    assert stored.title == "First pass"
    assert [p.text for p in stored.summary_points.all()] == ["Reviewed point"]
    history = LogEntry.objects.filter(object_id=str(report.pk)).order_by("pk")
    assert [entry.get_change_message() for entry in history] == [
        "Saved unpublished changes.",
        "Saved unpublished changes.",
        "Published the unpublished changes.",
    ]


def test_a_form_opened_before_someone_saved_a_draft_saves_nothing(contributor):
    report = make_report(title="Original")
    stale = open_form(contributor, admin_url(report), report)
    other = logged_in(make_user(role="Contributors"))
    other.post(
        admin_url(report),
        open_form(other, admin_url(report), report) | {"title": "Theirs"},
    )

    response = contributor.post(
        admin_url(report), stale | {"title": "Mine"}, follow=True
    )

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert draft_of_item(report).title == "Theirs"
    assert Report.objects.get(pk=report.pk).title == "Original"


def test_publishing_twice_or_a_draft_edited_since_says_so(editor, contributor):
    report = make_report(title="Original")
    contributor.post(
        admin_url(report),
        open_form(contributor, admin_url(report), report) | {"title": "Draft"},
    )
    opened_at = draft_of_item(report).version
    contributor.post(
        admin_url(report),
        open_form(contributor, admin_url(report), report) | {"title": "Edited"},
    )

    stale = editor.post(
        admin_url(report, "publish_changes"),
        {"draft_version": opened_at},
        follow=True,
    )
    assert "Nothing was published" in stale.content.decode()
    assert Report.objects.get(pk=report.pk).title == "Original"

    first = publish_changes(editor, report)
    second = editor.post(
        admin_url(report, "publish_changes"), {"draft_version": "1"}, follow=True
    )

    assert first.status_code == 302
    assert second.status_code == 200
    assert "no unpublished changes" in second.content.decode()
    assert Report.objects.get(pk=report.pk).title == "Edited"
    assert editor.get(admin_url(report, "changes")).status_code == 302
    assert editor.get(admin_url(report, "publish_changes")).status_code == 405
    missing = reverse("admin:publications_report_publish_changes", args=[98765])
    gone = editor.post(missing, {"draft_version": "1"}, follow=True)
    assert "No such item" in gone.content.decode()


def test_discarding_leaves_the_item_as_published(editor, contributor):
    report = make_report(title="Original")
    contributor.post(
        admin_url(report),
        open_form(contributor, admin_url(report), report) | {"title": "Unwanted"},
    )

    response = contributor.post(admin_url(report, "discard_changes"), follow=True)

    assert "Unpublished changes discarded" in response.content.decode()
    assert draft_of_item(report) is None
    assert open_form(editor, admin_url(report), report)["title"] == "Original"


def test_publishing_a_draft_whose_number_is_taken_keeps_it_and_says_why(editor):
    report = make_report(title="Numbered", number=1)
    make_report(title="Other", number=2)
    form = open_form(editor, admin_url(report), report)
    editor.post(admin_url(report), form | {"_savedraft": ""})
    assert Report.objects.filter(number=1).count() == 2  # the draft repeats it
    form = open_form(editor, admin_url(report), report)

    response = editor.post(
        admin_url(report), form | {"number": "2", "_publish": ""}, follow=True
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Special Report No. 2 already exists" in content
    assert Report.objects.get(pk=report.pk).number == 1


def test_save_messages_say_what_happened(editor):
    when = timezone.make_aware(datetime(2027, 6, 3, 9, 0))
    unpublished = make_report(title="Unpublished", published=False)
    scheduled = make_report(title="Scheduled", publish_at=when)
    live = make_report(title="Live", slug="live-item")

    messages = {}
    for item in (unpublished, scheduled, live):
        form = open_form(editor, admin_url(item), item)
        messages[item.title] = editor.post(
            admin_url(item), form | {"_publish": ""}, follow=True
        ).content.decode()

    assert "Draft saved" in messages["Unpublished"]
    assert "Scheduled for 3 June 2027, 09:00" in messages["Scheduled"]
    assert "Published: now live at" in messages["Live"]
    assert "/publications/live-item/" in messages["Live"]


def test_changes_that_leave_a_live_report_incomplete_are_kept_but_not_published(
    editor,
):
    report = make_report(title="Complete", slug="item")
    form = open_form(editor, admin_url(report), report)
    without_points = form | {"summary_points-0-DELETE": "on"}

    refused = editor.post(
        admin_url(report), without_points | {"_publish": ""}, follow=True
    )

    assert "at least one summary point" in refused.content.decode()
    assert draft_of_item(report) is None
    saved = editor.post(
        admin_url(report), without_points | {"_savedraft": ""}, follow=True
    )
    assert "Draft saved" in saved.content.decode()
    draft = draft_of_item(report)
    assert draft.summary_points.count() == 0

    published = editor.post(
        admin_url(report, "publish_changes"),
        {"draft_version": draft.version},
        follow=True,
    )

    assert "add at least one summary point" in published.content.decode()
    assert Report.objects.get(pk=report.pk).summary_points.count() == 1
    assert draft_of_item(report) is not None
