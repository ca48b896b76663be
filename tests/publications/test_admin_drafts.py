"""A save of a published item by someone who may not publish goes to its draft.

A contributor's save to a live or scheduled report or related publication
never changes the item on the site, on any admin path: the change form with
its inlines, the actions and the restoring of an earlier version. It is kept
as the item's unpublished changes, for an editor to publish.
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from publications.admin import ReportAdmin
from publications.drafts import draft_of_item
from publications.models import RelatedPublication, Report
from tests.admin_pages import admin_url, logged_in, open_form
from tests.factories import (
    make_author,
    make_named_user,
    make_related,
    make_report,
    make_user,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db

DRAFT_SAVED = "Draft saved. The site keeps showing the published version"


@pytest.fixture
def editor():
    return logged_in(make_user(role="Editors"))


@pytest.fixture
def contributor():
    return logged_in(make_user(role="Contributors"))


def _live_report(**fields):
    return make_report(
        title="Live title",
        slug="live",
        pdf=True,
        tags=["Water"],
        authors=[make_author(name="First Author"), make_author(name="Second Author")],
        summary_points=["First point", "Second point"],
        **fields,
    )


def _stored(report):
    report = Report.objects.get(pk=report.pk)
    return (
        report.title,
        report.pdf.name,
        report.version,
        sorted(report.tags.names()),
        [authorship.author.name for authorship in report.authorships.all()],
        [point.text for point in report.summary_points.all()],
        [pin.target_id for pin in report.pins.all()],
    )


CHANGES = {
    "title": ({"title": "Defaced title"}, lambda s: s[0] == "Defaced title"),
    "pdf": (
        {"pdf": lambda: SimpleUploadedFile("other.pdf", pdf_bytes(text="Fake"))},
        lambda s: s[1].endswith(".pdf") and "other" in s[1],
    ),
    "topics": (
        {"tags": [], "new_topics": "Unreviewed topic"},
        lambda s: s[3] == ["Unreviewed", "topic"],
    ),
    "author": ({"authorships-0-DELETE": "on"}, lambda s: s[4] == ["Second Author"]),
    "summary point": (
        {"summary_points-0-text": "Unreviewed point"},
        lambda s: s[5] == ["Unreviewed point", "Second point"],
    ),
    "pin": (
        {
            "pins-TOTAL_FORMS": "1",
            "pins-0-position": "0",
            "pins-0-target": lambda: str(make_related(title="Pinned").pk),
        },
        lambda s: len(s[6]) == 1,
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_contributors_change_to_a_live_report_goes_to_its_draft(
    editor, contributor, change
):
    report = _live_report()
    form = open_form(editor, admin_url(report), report)
    fields, saved_in_draft = CHANGES[change]
    fields = {
        name: value() if callable(value) else value for name, value in fields.items()
    }
    reader = Client()
    public_page = reader.get(report.get_absolute_url()).content
    before = _stored(report)

    response = contributor.post(admin_url(report), form | fields, follow=True)

    assert _stored(report) == before
    assert reader.get(report.get_absolute_url()).content == public_page
    assert response.status_code == 200
    assert DRAFT_SAVED in response.content.decode()
    assert saved_in_draft(_stored(draft_of_item(report)))


def test_a_contributor_edits_a_live_report_and_may_only_save_a_draft(contributor):
    report = _live_report()

    response = contributor.get(admin_url(report))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="title"' in content
    assert 'name="_savedraft"' in content
    assert 'name="_publish"' not in content
    assert 'name="_save"' not in content


def test_a_contributor_posting_publish_still_saves_a_draft(editor, contributor):
    report = _live_report()
    form = open_form(editor, admin_url(report), report)

    contributor.post(admin_url(report), form | {"title": "Mine", "_publish": ""})

    assert Report.objects.get(pk=report.pk).title == "Live title"
    assert draft_of_item(report).title == "Mine"


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_report(publish_at=timezone.now() + timedelta(days=2)),
        lambda: make_related(),
    ],
    ids=["scheduled report", "live related publication"],
)
def test_scheduled_items_and_related_publications_get_drafts_too(
    editor, contributor, make
):
    item = make()
    form = open_form(editor, admin_url(item), item)

    response = contributor.post(admin_url(item), form | {"title": "Changed"})

    assert response.status_code == 302
    page = contributor.get(admin_url(item)).content.decode()
    assert "This item has unpublished changes." in page
    assert 'value="Changed"' in page  # the form edits the draft
    assert type(item).objects.get(pk=item.pk).title == item.title
    assert draft_of_item(item).title == "Changed"


def test_editors_still_change_live_reports(editor):
    report = _live_report()
    form = open_form(editor, admin_url(report), report)

    editor.post(admin_url(report), form | {"summary_points-0-text": "Reviewed"})

    assert Report.objects.get(pk=report.pk).summary_points.first().text == "Reviewed"


def test_contributors_still_change_drafts(editor, contributor):
    report = _live_report(published=False)
    form = open_form(contributor, admin_url(report), report)

    response = contributor.post(admin_url(report), form | {"title": "Draft edit"})

    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).title == "Draft edit"


@admin.action(description="Retitle", permissions=["change"])
def _retitle(modeladmin, request, queryset):
    for item in queryset:
        item.title = "Retitled"
        item.save()


def test_actions_run_by_a_contributor_leave_published_items_alone(
    contributor, monkeypatch
):
    monkeypatch.setattr(ReportAdmin, "actions", (*ReportAdmin.actions, _retitle))
    live = make_report(title="Live")
    draft = make_report(title="Draft", published=False)

    response = contributor.post(
        reverse("admin:publications_report_changelist"),
        {"action": "_retitle", "_selected_action": [live.pk, draft.pk]},
        follow=True,
    )

    assert "only an editor can change them" in response.content.decode()
    assert Report.objects.get(pk=live.pk).title == "Live"
    assert Report.objects.get(pk=draft.pk).title == "Retitled"


@pytest.mark.parametrize("action", ["publish_now", "unpublish", "delete_selected"])
def test_contributors_have_no_action_that_changes_a_live_report(contributor, action):
    report = make_report(title="Live")

    contributor.post(
        reverse("admin:publications_report_changelist"),
        {"action": action, "_selected_action": [report.pk], "post": "yes"},
    )

    stored = Report.objects.get(pk=report.pk)
    assert (stored.title, stored.is_live()) == ("Live", True)


@pytest.mark.parametrize("copy", [False, True])
def test_a_contributors_restore_of_a_live_report_goes_to_its_draft(contributor, copy):
    report = _live_report()
    editor = logged_in(make_named_user())
    editor.post(admin_url(report), open_form(editor, admin_url(report), report))
    earliest = Version.objects.get_for_object(report).get()
    editor.post(
        admin_url(report),
        open_form(editor, admin_url(report), report) | {"title": "Reviewed title"},
    )
    before = _stored(report)
    revision = admin_url(report, "revision", earliest.pk)
    page = open_form(editor, revision, report)
    assert "restoring this version saves it as unpublished changes" in (
        contributor.get(revision).content.decode()
    )

    response = contributor.post(
        revision, page | {"_save": ""} | ({"_saveasnew": ""} if copy else {})
    )

    assert _stored(report) == before
    assert Report.objects.filter(draft_of=None).count() == 1
    assert RelatedPublication.objects.count() == 0
    if not copy:
        assert response.status_code == 302
        assert draft_of_item(report).title == "Live title"
