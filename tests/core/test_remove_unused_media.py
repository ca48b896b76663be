"""remove_unused_media finds the uploads nothing names and removes old ones."""

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from core.renditions import make_renditions, rendition_names
from core.uploads import private_storage
from publications.models import Report
from tests.admin_pages import admin_url, logged_in, open_form
from tests.factories import image_bytes, make_report, make_user

pytestmark = pytest.mark.django_db

TWO_DAYS = 2 * 24 * 60 * 60


def _age(storage, name):
    then = time.time() - TWO_DAYS
    os.utime(storage.path(name), (then, then))


def _run(*args):
    out = io.StringIO()
    call_command("remove_unused_media", *args, stdout=out)
    return out.getvalue()


def test_old_files_nothing_names_are_removed_and_the_rest_kept():
    report = make_report(image=True, pdf=True)
    orphan = default_storage.save("images/orphan/left.png", ContentFile(image_bytes()))
    young = default_storage.save("images/young/new.png", ContentFile(image_bytes()))
    stray_pdf = private_storage.save("pdfs/orphan/left.pdf", ContentFile(b"%PDF-"))
    for storage, name in (
        (default_storage, orphan),
        (private_storage, stray_pdf),
        (default_storage, report.image.name),
        (default_storage, report.thumbnail.name),
        (private_storage, report.pdf.name),
    ):
        _age(storage, name)

    dry_run = _run("--dry-run")
    assert default_storage.exists(orphan) and "Would remove" in dry_run

    _run()

    assert not default_storage.exists(orphan)
    assert not private_storage.exists(stray_pdf)
    assert default_storage.exists(young)
    for field_file in (report.image, report.thumbnail, report.pdf):
        assert field_file.storage.exists(field_file.name)


def test_files_a_saved_version_names_are_kept():
    report = make_report(image=True)
    editor = logged_in(make_user(role="Editors"))
    editor.post(admin_url(report), open_form(editor, admin_url(report), report))
    Report.objects.filter(pk=report.pk).update(image="")
    _age(default_storage, report.image.name)

    _run()

    assert default_storage.exists(report.image.name)


def test_renditions_stay_while_their_image_is_used(committed):
    with committed():
        report = make_report(image=True)
    used = rendition_names(default_storage, report.image.name) + rendition_names(
        default_storage, report.thumbnail.name
    )
    orphan = default_storage.save("images/orphan/left.png", ContentFile(image_bytes()))
    make_renditions(default_storage, orphan, (64, 48), with_card=True)
    unused = rendition_names(default_storage, orphan)
    for name in (*used, orphan, *unused, report.image.name, report.thumbnail.name):
        _age(default_storage, name)

    listed = set(_run("--dry-run", "--verbosity", "2").splitlines())
    assert {orphan, *unused} <= listed and not listed & {*used}
    _run()

    assert len(used) == 5 and all(default_storage.exists(name) for name in used)
    assert len(unused) == 2
    assert not any(default_storage.exists(name) for name in (orphan, *unused))
