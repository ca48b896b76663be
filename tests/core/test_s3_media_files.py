"""Keeping, removing and remaking files works the same in an S3 bucket.

Each test runs against this run's moto server with a bucket of its own
(the s3_bucket fixture, tests/conftest.py).
"""

import io
import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from core.renditions import rendition_names
from core.uploads import private_storage
from publications.models import Report
from tests.admin_pages import admin_url, logged_in, open_form
from tests.factories import image_bytes, make_named_user, make_report, pdf_bytes
from tests.object_storage import CREDENTIALS
from tests.security.html_forms import form_data
from tests.subprocesses import production_env, run_python

pytestmark = pytest.mark.django_db


def _call(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=out)
    return out.getvalue()


def _keys(bucket, report):
    """Return the keys of *report*'s image, thumbnail, PDF and image renditions."""
    public = [report.image.name, report.thumbnail.name]
    public += rendition_names(default_storage, report.image.name)
    return {bucket.key("public", name) for name in public} | {
        bucket.key("private", report.pdf.name)
    }


def test_replaced_files_leave_the_bucket_after_commit(s3_bucket, committed):
    with committed():
        report = make_report(image=True, pdf=True)
    old = _keys(s3_bucket, report)
    assert len(old) == 5 and old <= s3_bucket.keys()
    editor = logged_in(make_named_user())
    form = open_form(editor, admin_url(report), report)

    with committed():
        response = editor.post(
            admin_url(report),
            form
            | {
                "image": SimpleUploadedFile("new.png", image_bytes(color=(9, 9, 9))),
                "pdf": SimpleUploadedFile("new.pdf", pdf_bytes()),
            },
        )
    assert response.status_code == 302

    new = _keys(s3_bucket, Report.objects.get(pk=report.pk))
    assert len(new) == 5 and not new & old
    keys = s3_bucket.keys()
    assert new <= keys and not old & keys


def test_remove_unused_media_finds_old_files_in_the_bucket(
    s3_bucket, committed, monkeypatch
):
    with committed():
        report = make_report(image=True, pdf=True)
    orphan = default_storage.save("images/orphan/left.png", ContentFile(image_bytes()))
    stray_pdf = private_storage.save("pdfs/orphan/left.pdf", ContentFile(b"%PDF-"))
    kept = s3_bucket.keys() - {
        s3_bucket.key("public", orphan),
        s3_bucket.key("private", stray_pdf),
    }

    assert _call("remove_unused_media") == "Removed 0 unused files.\n"  # too young
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(days=2))
    listed = _call("remove_unused_media", "--dry-run", "--verbosity", "2")
    assert listed.splitlines() == [orphan, stray_pdf, "Would remove 2 unused files."]
    _call("remove_unused_media")

    assert s3_bucket.keys() == kept
    assert report.pdf.open("rb").read().startswith(b"%PDF-")


def test_make_renditions_remakes_what_the_bucket_lacks(s3_bucket, committed):
    with committed():
        report = make_report(image=True)
    made = rendition_names(default_storage, report.image.name)
    default_storage.delete(made[0])

    assert "Made 1 rendition." in _call("make_renditions")
    assert rendition_names(default_storage, report.image.name) == made


def test_a_pdf_kept_from_a_refused_save_waits_in_the_private_folder(s3_bucket):
    from django.urls import reverse

    from tests.factories import get_type

    editor = logged_in(make_named_user())
    url = reverse("admin:publications_report_add")
    data = form_data(editor.get(url).content.decode(), "report_form") | {
        "slug": "kept-files",
        "publication_type": str(get_type("special-report").pk),
        "teaser": "A teaser.",
    }
    pdf = pdf_bytes(text="Kept")
    refused = editor.post(
        url, data | {"title": "", "pdf": SimpleUploadedFile("a.pdf", pdf)}
    )
    assert [k for k in s3_bucket.keys() if k.startswith("site/private/held/")]

    again = form_data(refused.content.decode(), "report_form")
    assert editor.post(url, again | {"title": "Kept files"}).status_code == 302
    assert Report.objects.get(slug="kept-files").pdf.open("rb").read() == pdf


def test_another_server_process_sees_the_same_files(s3_bucket):
    """A second app server, configured from FOLIO_STORAGE_URL, shares the bucket."""
    here = default_storage.save("images/shared/here.png", ContentFile(b"from here"))
    code = (
        "import django, json; django.setup();"
        "from django.conf import settings;"
        "from django.core.files.base import ContentFile;"
        "from django.core.files.storage import storages;"
        "from core.uploads import private_storage;"
        "public = storages['default'];"
        f"seen = public.open({here!r}).read().decode();"
        "there = private_storage.save('pdfs/shared/there.pdf', ContentFile(b'%PDF-'));"
        "print(json.dumps({'seen': seen, 'there': there,"
        " 'url': public.url('images/a/b.png'),"
        " 'img_src': settings.SECURE_CSP['img-src']}))"
    )
    result = run_python(
        code, **production_env(FOLIO_STORAGE_URL=s3_bucket.url, **CREDENTIALS)
    )

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["seen"] == "from here"
    assert private_storage.open(answer["there"]).read() == b"%PDF-"
    assert answer["url"] == "/media/images/a/b.png"
    assert s3_bucket.endpoint in answer["img_src"]
