"""A file chosen in a refused save is kept for the next try, and only then."""

import os
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from authors.models import Author
from core import held_uploads
from publications.models import Report
from tests.factories import get_type, image_bytes, make_user, pdf_bytes
from tests.security.html_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    client = Client()
    client.force_login(make_user(role="Editors"))
    return client


def _report_form(editor, **fields):
    url = reverse("admin:publications_report_add")
    data = form_data(editor.get(url).content.decode(), "report_form")
    return url, data | {
        "title": "Kept files",
        "slug": "kept-files",
        "publication_type": str(get_type("special-report").pk),
        "teaser": "A teaser.",
        **fields,
    }


def _upload(name, content):
    return SimpleUploadedFile(name, content)


def test_a_pdf_chosen_in_a_refused_save_is_used_by_the_next_save(editor):
    url, data = _report_form(editor, title="")
    pdf = pdf_bytes()

    refused = editor.post(url, data | {"pdf": _upload("findings.pdf", pdf)})

    content = refused.content.decode()
    assert refused.status_code == 200 and "This field is required" in content
    assert "Kept from your last try: findings.pdf" in content
    again = form_data(content, "report_form")
    assert again["pdf-held"]
    saved = editor.post(url, again | {"title": "Kept files"})

    assert saved.status_code == 302
    report = Report.objects.get(slug="kept-files")
    assert report.pdf.open("rb").read() == pdf


def test_an_author_photo_chosen_in_a_refused_save_is_kept(editor):
    url = reverse("admin:authors_author_add")
    data = form_data(editor.get(url).content.decode(), "author_form")
    refused = editor.post(
        url,
        data
        | {"name": "", "slug": "kept", "photo_alt": "A portrait"}
        | {"photo": _upload("portrait.png", image_bytes())},
    )
    again = form_data(refused.content.decode(), "author_form")

    editor.post(url, again | {"name": "Kept Photo"})

    author = Author.objects.get(slug="kept")
    assert author.photo.name.endswith(".png")
    assert author.photo.width > 0


def test_a_file_failing_its_own_checks_is_not_kept(editor):
    url, data = _report_form(editor, title="")

    refused = editor.post(url, data | {"pdf": _upload("fake.pdf", b"not a pdf")})

    content = refused.content.decode()
    assert "This file is not a PDF" in content
    assert "pdf-held" not in content


@pytest.mark.parametrize("tamper", ["forged", "expired", "outside"])
def test_a_forged_or_expired_token_attaches_nothing(editor, tamper, monkeypatch):
    url, data = _report_form(editor, title="")
    refused = editor.post(url, data | {"pdf": _upload("findings.pdf", pdf_bytes())})
    again = form_data(refused.content.decode(), "report_form") | {"title": "Kept"}
    if tamper == "forged":
        again["pdf-held"] = again["pdf-held"][:-4] + "AAAA"
    elif tamper == "expired":
        monkeypatch.setattr(held_uploads, "HELD_SECONDS", -1)
    else:
        again["pdf-held"] = signing.dumps(
            {"path": "pdfs/someone-elses.pdf", "name": "x.pdf"},
            salt="folio.held-upload",
        )

    response = editor.post(url, again)

    assert response.status_code == 302
    assert not Report.objects.get(slug="kept-files").pdf


def test_kept_files_are_removed_a_day_later(settings):
    first = held_uploads.hold(_upload("old.pdf", pdf_bytes()))
    path = held_uploads.private_storage.path(
        signing.loads(first.token, salt="folio.held-upload")["path"]
    )
    day_ago = time.time() - timedelta(days=1, minutes=1).total_seconds()
    os.utime(path, (day_ago, day_ago))

    held_uploads.hold(_upload("new.pdf", pdf_bytes()))

    assert not os.path.exists(path)
