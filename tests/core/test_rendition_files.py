"""Renditions are made after the upload commits and go with their image."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from authors.models import Author
from core.renditions import planned, rendition_names
from publications.models import Report
from tests.admin_pages import admin_url, logged_in, open_form
from tests.factories import image_bytes, make_author, make_named_user, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return logged_in(make_named_user())


def _renditions(field_file):
    return sorted(rendition_names(field_file.storage, field_file.name))


def _exists(name):
    return default_storage.exists(name)


def test_renditions_are_made_once_the_upload_commits(committed):
    with committed():
        report = make_report(image=True)
        author = make_author(photo=True)
        assert _renditions(report.image) == []  # not before the commit

    report = Report.objects.get(pk=report.pk)
    assert (report.image_width, report.image_height) == (64, 48)
    expected = planned(report.image.name, (64, 48), with_card=True)
    assert _renditions(report.image) == sorted(r.name for r in expected)
    thumbnail = report.thumbnail.name
    assert _renditions(report.thumbnail) == [
        f"{thumbnail}.w320.jpg",
        f"{thumbnail}.w320.webp",
        f"{thumbnail}.w480.webp",
    ]
    photo = Author.objects.get(pk=author.pk).photo.name
    assert _renditions(author.photo) == [f"{photo}.w64.webp"]


def test_nothing_is_made_or_removed_when_the_save_rolls_back(committed):
    with committed():
        report = make_report(image=True)
    kept = _renditions(report.image)

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        report = Report.objects.get(pk=report.pk)
        report.image.save("new.png", ContentFile(image_bytes(color=(9, 9, 9))))
        new = report.image
        raise RuntimeError("the save fails after the image was replaced")

    assert kept and all(_exists(name) for name in kept)
    assert _renditions(new) == []


def test_a_replaced_image_takes_its_renditions_with_it(editor, committed):
    with committed():
        report = make_report(image=True)
    old = _renditions(report.image) + _renditions(report.thumbnail)
    form = open_form(editor, admin_url(report), report)

    with committed():
        editor.post(
            admin_url(report),
            form | {"image": SimpleUploadedFile("new.png", image_bytes(size=(90, 60)))},
        )

    assert old and not any(_exists(name) for name in old)
    report = Report.objects.get(pk=report.pk)
    assert (report.image_width, report.image_height) == (90, 60)
    assert f"{report.image.name}.w90.webp" in _renditions(report.image)
    assert len(_renditions(report.thumbnail)) == 3


def test_a_cleared_image_forgets_its_size(editor, committed):
    with committed():
        report = make_report(image=True)
    old = _renditions(report.image)
    form = open_form(editor, admin_url(report), report)

    with committed():
        editor.post(admin_url(report), form | {"image-clear": "on", "image_alt": ""})

    report = Report.objects.get(pk=report.pk)
    assert (report.image_width, report.image_height) == (None, None)
    assert not any(_exists(name) for name in old)


def test_deleting_an_item_removes_every_rendition(editor, committed):
    with committed():
        report = make_report(image=True)
    old = _renditions(report.image) + _renditions(report.thumbnail)

    with committed():
        editor.post(admin_url(report, "delete"), {"post": "yes"})

    assert len(old) == 5 and not any(_exists(name) for name in old)


def test_a_replaced_author_photo_takes_its_renditions_with_it(editor, committed):
    with committed():
        author = make_author(photo=True)
    old = _renditions(author.photo)
    form = open_form(editor, admin_url(author), author)

    with committed():
        editor.post(
            admin_url(author),
            form | {"photo": SimpleUploadedFile("new.png", image_bytes(size=(50, 50)))},
        )

    assert old and not any(_exists(name) for name in old)
    author = Author.objects.get(pk=author.pk)
    assert (author.photo_width, author.photo_height) == (50, 50)
    assert _renditions(author.photo) == [f"{author.photo.name}.w50.webp"]


def test_a_save_records_a_size_left_out_and_makes_the_renditions(committed):
    author = make_author(photo=True)  # never committed: no renditions yet
    Author.objects.filter(pk=author.pk).update(photo_width=None, photo_height=None)

    with committed():
        author = Author.objects.get(pk=author.pk)
        author.save()  # as a restore saves, the size left out of versions

    author = Author.objects.get(pk=author.pk)
    assert (author.photo_width, author.photo_height) == (64, 48)
    assert _renditions(author.photo) == [f"{author.photo.name}.w64.webp"]
