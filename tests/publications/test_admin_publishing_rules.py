"""The admin publishes or schedules only items with everything readers need."""

from datetime import timedelta

import pytest
import reversion
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from publications.drafts import draft_of_item
from publications.models import (
    Authorship,
    Publication,
    RelatedPublication,
    Report,
    SummaryPoint,
)
from tests.admin_pages import admin_url, logged_in, open_form
from tests.factories import (
    make_author,
    make_report,
    make_user,
    publication_admin_data,
    report_admin_needs,
)

pytestmark = pytest.mark.django_db

ADD_REPORT = "admin:publications_report_add"
ADD_RELATED = "admin:publications_relatedpublication_add"
REPORTS = "admin:publications_report_changelist"

REFUSED_BARE_REPORT = (
    "To publish or schedule this report, add at least one author, at least "
    "one summary point, the About text and at least one topic. Nothing was saved."
)


@pytest.fixture
def editor():
    return logged_in(make_user(role="Editors"))


def _complete_report_data(**fields):
    complete = {"slug": "complete", "status": "published", **report_admin_needs()}
    return publication_admin_data(**(complete | fields))


def _refusal(response):
    assert response.status_code == 200
    return [
        str(error) for error in response.context["adminform"].form.non_field_errors()
    ]


def _rows():
    return [
        model.objects.count()
        for model in (Publication, Authorship, SummaryPoint, Tag, Version)
    ]


@pytest.mark.parametrize(
    "publish_at",
    [timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=3)],
    ids=["publish", "schedule"],
)
def test_adding_a_bare_report_as_published_is_refused_and_saves_nothing(
    editor, publish_at
):
    before = _rows()
    data = publication_admin_data(
        slug="bare", status="published", publish_at=publish_at, new_topics=""
    )

    response = editor.post(reverse(ADD_REPORT), data)

    assert _refusal(response) == [REFUSED_BARE_REPORT]
    assert REFUSED_BARE_REPORT in response.content.decode()
    assert _rows() == before


def test_what_was_submitted_counts_and_inline_rows_are_not_saved_alone(editor):
    """An author and a new topic in the refused form are not saved either."""
    before = _rows()
    data = _complete_report_data(about="<p></p>", **{"summary_points-0-text": ""})

    response = editor.post(reverse(ADD_REPORT), data)

    assert _refusal(response) == [
        "To publish or schedule this report, add at least one summary point and "
        "the About text. Nothing was saved."
    ]
    assert _rows() == before
    assert not Tag.objects.filter(name="Mediation").exists()


def test_a_complete_report_is_published_with_its_rows(editor):
    response = editor.post(reverse(ADD_REPORT), _complete_report_data())

    assert response.status_code == 302
    report = Report.objects.get(slug="complete")
    assert report.is_live()
    assert report.authorships.count() == report.summary_points.count() == 1
    assert list(report.tags.names()) == ["Mediation"]


def test_a_draft_with_gaps_is_saved(editor):
    data = publication_admin_data(slug="draft", status="draft")

    response = editor.post(reverse(ADD_REPORT), data)

    assert response.status_code == 302
    assert Report.objects.get(slug="draft").status == Publication.Status.DRAFT


def test_publishing_a_stored_draft_with_gaps_changes_nothing(editor):
    draft = make_report(
        slug="gaps", published=False, summary_points=(), about="", tags=()
    )
    data = open_form(editor, admin_url(draft), draft) | {
        "title": "Edited",
        "status": "published",
    }

    response = editor.post(admin_url(draft), data)

    assert _refusal(response) == [
        "To publish or schedule this report, add at least one summary point, the "
        "About text and at least one topic. Nothing was saved."
    ]
    draft.refresh_from_db()
    assert (draft.title, draft.status, draft.version) == ("Report", "draft", 1)


def test_deleting_the_only_author_of_a_live_report_is_refused(editor):
    report = make_report(slug="live")
    data = open_form(editor, admin_url(report), report) | {
        "authorships-0-DELETE": "on",
        "title": "Edited",
    }

    response = editor.post(admin_url(report), data)

    assert _refusal(response) == [
        "To publish or schedule this report, add at least one author. "
        "Nothing was saved."
    ]
    report.refresh_from_db()
    assert report.title == "Report"
    assert report.authorships.count() == 1


def test_unpublishing_a_report_with_gaps_is_allowed(editor):
    report = make_report(slug="old", tags=(), summary_points=())
    data = open_form(editor, admin_url(report), report) | {"status": "draft"}

    response = editor.post(admin_url(report), data)

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Publication.Status.DRAFT


def test_a_related_publication_without_a_teaser_is_not_published(editor):
    data = publication_admin_data(
        kind="related", slug="brief", teaser="", status="published"
    )

    response = editor.post(reverse(ADD_RELATED), data)

    assert _refusal(response) == [
        "To publish or schedule this related publication, add a teaser. "
        "Nothing was saved."
    ]
    assert not RelatedPublication.objects.exists()


def test_a_related_publication_with_teaser_and_type_is_published(editor):
    data = publication_admin_data(kind="related", slug="brief", status="published")

    assert editor.post(reverse(ADD_RELATED), data).status_code == 302
    assert RelatedPublication.objects.get(slug="brief").is_live()


def test_publish_now_publishes_complete_items_and_names_the_others(editor):
    complete = make_report(title="Complete", published=False)
    no_authors = make_report(title="No Authors", published=False, authors=())
    bare = make_report(
        title="Bare", published=False, authors=(), summary_points=(), tags=()
    )

    response = editor.post(
        reverse(REPORTS),
        {
            "action": "publish_now",
            "_selected_action": [complete.pk, no_authors.pk, bare.pk],
        },
        follow=True,
    )

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 item is now live.",
        "Not published, as they are incomplete: “No Authors” needs at least one "
        "author; “Bare” needs at least one author, at least one summary point "
        "and at least one topic.",
    ]
    assert set(Publication.objects.live().values_list("title", flat=True)) == {
        "Complete"
    }


def test_restoring_a_version_without_authors_keeps_a_live_report_whole(editor):
    """A restore of a live report is kept as unpublished changes, which must
    be complete before they are published."""
    report = make_report(slug="restored", authors=())
    with reversion.create_revision():
        reversion.set_user(make_user())
        report.save()
    bare_version = Version.objects.get_for_object(report).get()
    Authorship.objects.create(
        publication=report, author=make_author(name="Amara Okafor")
    )
    restore_url = admin_url(report, "revision", bare_version.pk)

    editor.post(restore_url, open_form(editor, restore_url, report) | {"_save": ""})
    draft = draft_of_item(report)
    published = editor.post(
        admin_url(report, "publish_changes"),
        {"draft_version": draft.version},
        follow=True,
    )

    assert draft.authorships.count() == 0
    assert "add at least one author" in published.content.decode()
    names = [a.author.name for a in Report.objects.get(pk=report.pk).authorships.all()]
    assert names == ["Amara Okafor"]
