"""Files nothing names any more are removed once the change commits.

A file stays while another row or a saved history version names it, so
restoring a version brings its image and PDF back.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from reversion.models import Version

from authors.models import Author
from publications.models import Report
from tests.admin_pages import admin_url, logged_in, open_form, publish_changes
from tests.factories import (
    image_bytes,
    make_author,
    make_named_user,
    make_report,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return logged_in(make_named_user())


def _files(item, *names):
    item = type(item).objects.get(pk=item.pk)
    return [getattr(item, name) for name in names]


def _exists(field_file):
    return field_file.storage.exists(field_file.name)


def _new_image(color=(200, 0, 0)):
    return SimpleUploadedFile("new.png", image_bytes(color=color))


def test_a_replaced_image_pdf_and_thumbnail_are_removed(editor, committed):
    report = make_report(image=True, pdf=True)
    old = _files(report, "image", "thumbnail", "pdf")
    form = open_form(editor, admin_url(report), report)

    with committed():
        editor.post(
            admin_url(report),
            form
            | {
                "image": _new_image(),
                "pdf": SimpleUploadedFile("new.pdf", pdf_bytes()),
            },
        )

    new = _files(report, "image", "thumbnail", "pdf")
    assert [file.name for file in new] != [file.name for file in old]
    assert [_exists(file) for file in old] == [False, False, False]
    assert [_exists(file) for file in new] == [True, True, True]


def test_a_cleared_image_is_removed_with_its_thumbnail(editor, committed):
    report = make_report(image=True)
    old = _files(report, "image", "thumbnail")
    form = open_form(editor, admin_url(report), report)

    with committed():
        editor.post(admin_url(report), form | {"image-clear": "on", "image_alt": ""})

    assert [file.name for file in _files(report, "image", "thumbnail")] == ["", ""]
    assert not any(_exists(file) for file in old)


def test_deleting_an_item_removes_its_files(editor, committed):
    report = make_report(image=True, pdf=True)
    old = _files(report, "image", "thumbnail", "pdf")

    with committed():
        editor.post(admin_url(report, "delete"), {"post": "yes"})

    assert not Report.objects.filter(pk=report.pk).exists()
    assert not any(_exists(file) for file in old)


def test_a_replaced_author_photo_is_removed(editor, committed):
    author = make_author(photo=True)
    (old,) = _files(author, "photo")
    form = open_form(editor, admin_url(author), author)

    with committed():
        editor.post(admin_url(author), form | {"photo": _new_image()})

    assert not _exists(old)
    assert _exists(_files(author, "photo")[0])


def test_a_file_another_row_names_is_kept(committed):
    first, second = make_report(image=True), make_report()
    Report.objects.filter(pk=second.pk).update(image=first.image.name)

    with committed():
        first = Report.objects.get(pk=first.pk)
        first.image = ""
        first.save()

    assert _exists(Report.objects.get(pk=second.pk).image)


def test_nothing_is_removed_when_the_change_is_rolled_back(committed):
    author = make_author(photo=True)
    (old,) = _files(author, "photo")

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        author = Author.objects.get(pk=author.pk)
        author.photo.save("other.png", ContentFile(image_bytes()))
        raise RuntimeError("the save fails after the file was replaced")

    assert _exists(old)
    assert Author.objects.get(pk=author.pk).photo.name == old.name


def test_files_of_a_saved_version_are_kept_and_restored(editor, committed):
    report = make_report(image=True, pdf=True)
    with committed():
        editor.post(admin_url(report), open_form(editor, admin_url(report), report))
    first = Version.objects.get_for_object(report).get()
    kept_image, old_thumbnail, kept_pdf = _files(report, "image", "thumbnail", "pdf")
    with committed():
        editor.post(
            admin_url(report),
            open_form(editor, admin_url(report), report)
            | {"image": _new_image(), "pdf": SimpleUploadedFile("b.pdf", pdf_bytes())},
        )
    assert _exists(kept_image) and _exists(kept_pdf)
    assert not _exists(old_thumbnail)  # derived, never in a version
    replaced_image = _files(report, "image")[0]

    page = open_form(editor, admin_url(report, "revision", first.pk), report)
    with committed():
        editor.post(admin_url(report, "revision", first.pk), page | {"_save": ""})
    # A restore of a published item is kept as its unpublished changes.
    with committed():
        publish_changes(editor, report)

    image, thumbnail, pdf = _files(report, "image", "thumbnail", "pdf")
    assert (image.name, pdf.name) == (kept_image.name, kept_pdf.name)
    assert _exists(image) and _exists(thumbnail) and _exists(pdf)
    assert _exists(replaced_image)  # the version it came from still names it
