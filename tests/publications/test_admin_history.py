"""History: every admin save keeps a version; editors restore an earlier one."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from reversion.models import Version

from publications.models import RelatedPublication, Report
from tests.admin_pages import admin_url, logged_in, open_form, publish_changes
from tests.factories import (
    image_bytes,
    make_author,
    make_named_user,
    make_related,
    make_report,
    pdf_bytes,
)
from tests.security.html_forms import form_data

pytestmark = pytest.mark.django_db


def _versions(item):
    return Version.objects.get_for_object(item).select_related("revision__user")


def _swap_authors(data):
    data["authorships-0-position"], data["authorships-1-position"] = "1", "0"
    return data


def _state(report):
    report = Report.objects.get(pk=report.pk)
    return (
        report.title,
        [point.text for point in report.summary_points.all()],
        [authorship.author.name for authorship in report.authorships.all()],
        sorted(report.tags.names()),
    )


def test_every_admin_save_keeps_a_version_with_who_and_when():
    report = make_report(title="First")
    ann, ben = (
        make_named_user(first_name="Ann", last_name="Archer"),
        make_named_user(first_name="Ben", last_name="Baker"),
    )
    for user, title in ((ann, "Second"), (ben, "Third")):
        client = logged_in(user)
        client.post(
            admin_url(report),
            open_form(client, admin_url(report), report) | {"title": title},
        )
    before = timezone.now()
    logged_in(ann).post(
        reverse("admin:publications_report_changelist"),
        {"action": "unpublish", "_selected_action": [report.pk]},
    )

    versions = list(_versions(report).order_by("pk"))

    assert [v.field_dict["title"] for v in versions] == ["Second", "Third", "Third"]
    assert [v.revision.user for v in versions] == [ann, ben, ann]
    assert versions[-1].field_dict["status"] == "draft"
    assert versions[-1].revision.date_created >= before


def test_history_page_lists_versions_newest_first_with_editors():
    related = make_related(title="First")
    client = logged_in(make_named_user(first_name="Ann", last_name="Archer"))
    for title in ("Second", "Third"):
        client.post(
            admin_url(related),
            open_form(client, admin_url(related), related) | {"title": title},
        )

    response = client.get(admin_url(related, "history"))

    content = response.content.decode()
    assert content.count("Ann Archer") == 2
    newest, oldest = _versions(related).order_by("-pk")
    assert content.index(admin_url(related, "revision", newest.pk)) < content.index(
        admin_url(related, "revision", oldest.pk)
    )
    assert "View and restore" in content


def test_restore_brings_back_title_summary_points_author_order_and_topics():
    first, second = make_author(name="First Author"), make_author(name="Second Author")
    report = make_report(
        title="Old title",
        summary_points=["Old point one", "Old point two"],
        authors=[first, second],
        tags=["Water"],
    )
    client = logged_in(make_named_user())
    client.post(admin_url(report), open_form(client, admin_url(report), report))
    old = _state(report)
    changed = _swap_authors(open_form(client, admin_url(report), report)) | {
        "title": "New title",
        "summary_points-0-text": "Rewritten point",
        "summary_points-1-DELETE": "on",
        "summary_points-TOTAL_FORMS": "3",
        "summary_points-2-text": "Added point",
        "summary_points-2-position": "2",
        "new_topics": "Fire",
        "tags": [],
    }
    client.post(admin_url(report), changed)
    assert _state(report) == (
        "New title",
        ["Rewritten point", "Added point"],
        ["Second Author", "First Author"],
        ["Fire"],
    )
    earliest = _versions(report).order_by("pk").first()

    page = open_form(client, admin_url(report, "revision", earliest.pk), report)
    assert _state(report)[0] == "New title"  # looking changes nothing
    response = client.post(
        admin_url(report, "revision", earliest.pk), page | {"_save": ""}
    )

    assert response.status_code == 302
    assert _state(report)[0] == "New title"  # a published item gets a draft
    publish_changes(client, report)
    assert (
        _state(report)
        == old
        == (
            "Old title",
            ["Old point one", "Old point two"],
            ["First Author", "Second Author"],
            ["Water"],
        )
    )
    assert "Published the unpublished changes" in (
        _versions(report).first().revision.comment
    )


def test_restore_of_a_related_publication_brings_back_its_authors_and_body():
    related = make_related(
        title="Old", body="<p>Old body.</p>", authors=[make_author(name="A")]
    )
    client = logged_in(make_named_user())
    client.post(admin_url(related), open_form(client, admin_url(related), related))
    earliest = _versions(related).first()
    client.post(
        admin_url(related),
        open_form(client, admin_url(related), related)
        | {"title": "New", "body": "<p>New body.</p>", "authorships-0-DELETE": "on"},
    )

    page = open_form(client, admin_url(related, "revision", earliest.pk), related)
    client.post(admin_url(related, "revision", earliest.pk), page | {"_save": ""})
    publish_changes(client, related)

    related = RelatedPublication.objects.get(pk=related.pk)
    assert (related.title, related.body) == ("Old", "<p>Old body.</p>")
    assert [a.author.name for a in related.authorships.all()] == ["A"]


def test_restore_keeps_status_and_dates_and_moves_the_version_on():
    report = make_report(title="Draft title", published=False)
    client = logged_in(make_named_user())
    client.post(admin_url(report), open_form(client, admin_url(report), report))
    earliest = _versions(report).first()
    publish_at = timezone.now() - timedelta(hours=2)
    client.post(
        admin_url(report),
        open_form(client, admin_url(report), report)
        | {
            "title": "Live title",
            "status": "published",
            "publish_at_0": f"{timezone.localtime(publish_at):%Y-%m-%d}",
            "publish_at_1": f"{timezone.localtime(publish_at):%H:%M:%S}",
        },
    )
    live = Report.objects.get(pk=report.pk)

    page = open_form(client, admin_url(report, "revision", earliest.pk), report)
    client.post(admin_url(report, "revision", earliest.pk), page | {"_save": ""})
    assert Report.objects.get(pk=report.pk).title == "Live title"
    publish_changes(client, report)

    restored = Report.objects.get(pk=report.pk)
    assert restored.title == "Draft title"
    assert restored.is_live()
    assert restored.publish_at == live.publish_at
    assert restored.version == live.version + 1


def test_restore_is_refused_if_someone_saved_since_it_was_opened():
    report = make_report(title="Old")
    ann = logged_in(make_named_user(first_name="Ann", last_name="Archer"))
    ben = logged_in(make_named_user(first_name="Ben", last_name="Baker"))
    ann.post(admin_url(report), open_form(ann, admin_url(report), report))
    earliest = _versions(report).first()
    restoring = open_form(ann, admin_url(report, "revision", earliest.pk), report)
    ben.post(
        admin_url(report),
        open_form(ben, admin_url(report), report) | {"title": "Ben's"},
    )

    response = ann.post(
        admin_url(report, "revision", earliest.pk), restoring | {"_save": ""}
    )

    assert response.status_code == 200
    assert "changed by Ben Baker on " in response.content.decode()
    assert Report.objects.get(pk=report.pk).title == "Ben's"


def test_restore_page_names_the_version_and_explains_what_is_kept():
    report = make_report(title="Old")
    client = logged_in(make_named_user(first_name="Ann", last_name="Archer"))
    client.post(admin_url(report), open_form(client, admin_url(report), report))
    earliest = _versions(report).first()

    response = client.get(admin_url(report, "revision", earliest.pk))

    content = response.content.decode()
    assert "by Ann Archer." in content
    assert "Status and dates stay as they are now" in content
    assert 'value="Restore this version"' in content


def test_contributors_cannot_publish_by_restoring():
    report = make_report(title="Old", published=False)
    editor = logged_in(make_named_user())
    editor.post(
        admin_url(report),
        open_form(editor, admin_url(report), report) | {"status": "published"},
    )
    published_version = _versions(report).first()
    editor.post(
        admin_url(report),
        open_form(editor, admin_url(report), report) | {"status": "draft"},
    )
    contributor = logged_in(
        make_named_user(first_name="Cleo", last_name="Cole", role="Contributors")
    )

    page = open_form(
        contributor, admin_url(report, "revision", published_version.pk), report
    )
    contributor.post(
        admin_url(report, "revision", published_version.pk),
        page | {"status": "published", "_save": ""},
    )

    assert Report.objects.get(pk=report.pk).status == "draft"


def test_restore_brings_back_the_image_and_pdf_with_thumbnail_and_text():
    report = make_report(pdf=True, image=True)
    client = logged_in(make_named_user())
    client.post(admin_url(report), open_form(client, admin_url(report), report))
    earliest = _versions(report).first()
    old = Report.objects.get(pk=report.pk)
    client.post(
        admin_url(report),
        open_form(client, admin_url(report), report)
        | {
            "image": SimpleUploadedFile(
                "new.png", image_bytes(color=(200, 0, 0), size=(90, 60))
            ),
            "pdf": SimpleUploadedFile("new.pdf", pdf_bytes(text="Replacement")),
        },
    )
    replaced = Report.objects.get(pk=report.pk)
    assert "Replacement" in replaced.pdf_text
    assert (replaced.image_width, replaced.image_height) == (90, 60)

    page = open_form(client, admin_url(report, "revision", earliest.pk), report)
    client.post(admin_url(report, "revision", earliest.pk), page | {"_save": ""})
    publish_changes(client, report)

    restored = Report.objects.get(pk=report.pk)
    assert (restored.image.name, restored.pdf.name) == (old.image.name, old.pdf.name)
    assert restored.thumbnail.name not in ("", replaced.thumbnail.name)
    assert (restored.image_width, restored.image_height) == (64, 48)
    with restored.thumbnail.open("rb") as thumbnail:
        red, green, blue = Image.open(thumbnail).convert("RGB").getpixel((5, 5))
    assert blue > red  # made from the old blue cover, not the new red one
    assert restored.pdf_text == old.pdf_text
    assert "Folio test PDF" in restored.pdf_text


def test_items_saved_before_history_get_a_first_version_from_the_command():
    report = make_report(title="From before")
    assert not _versions(report).exists()

    call_command("createinitialrevisions", "publications.Report", verbosity=0)

    assert _versions(report).get().field_dict["title"] == "From before"


def test_editors_recover_a_deleted_report_and_contributors_may_not():
    report = make_report(title="Deleted by mistake", summary_points=["Kept point"])
    editor = logged_in(make_named_user())
    editor.post(admin_url(report), open_form(editor, admin_url(report), report))
    editor.post(admin_url(report, "delete"), {"post": "yes"})
    assert not Report.objects.filter(pk=report.pk).exists()
    deleted = Version.objects.get_deleted(Report).get()
    recover = reverse("admin:publications_report_recover", args=[deleted.pk])
    contributor = logged_in(
        make_named_user(first_name="Cleo", last_name="Cole", role="Contributors")
    )

    assert contributor.get(recover).status_code == 403
    assert (
        contributor.get(reverse("admin:publications_report_recoverlist")).status_code
        == 403
    )
    page = form_data(editor.get(recover).content.decode(), "report_form")
    assert editor.post(recover, page | {"_save": ""}).status_code == 302

    recovered = Report.objects.get(pk=report.pk)
    assert recovered.title == "Deleted by mistake"
    assert [point.text for point in recovered.summary_points.all()] == ["Kept point"]
