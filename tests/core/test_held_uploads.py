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
from tests.factories import get_type, image_bytes, make_report, make_user, pdf_bytes
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
    place = held_uploads.HoldPlace(
        user=1, model="publications.report", field="pdf", object="new"
    )
    first = held_uploads.hold(_upload("old.pdf", pdf_bytes()), place=place)
    path = held_uploads.private_storage.path(
        signing.loads(first.token, salt="folio.held-upload")["path"]
    )
    day_ago = time.time() - timedelta(days=1, minutes=1).total_seconds()
    os.utime(path, (day_ago, day_ago))

    held_uploads.hold(_upload("new.pdf", pdf_bytes()), place=place)

    assert not os.path.exists(path)


# A token serves only where it was kept: the same user, model, field and
# object, and only once.


def _refused_report_save(client, url, **files):
    """Post *url*'s form with *files* and an empty title; return the next form."""
    data = form_data(client.get(url).content.decode(), "report_form")
    refused = client.post(url, data | {"title": ""} | files)
    assert "Kept from your last try" in refused.content.decode()
    return form_data(refused.content.decode(), "report_form")


def _new_report_form(client, **fields):
    url = reverse("admin:publications_report_add")
    data = form_data(client.get(url).content.decode(), "report_form")
    return url, data | {
        "title": "Other",
        "slug": "other",
        "publication_type": str(get_type("special-report").pk),
        "teaser": "A teaser.",
        **fields,
    }


def _change_url(item):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def test_another_users_token_attaches_nothing(editor):
    url, data = _report_form(editor, title="")
    refused = editor.post(url, data | {"pdf": _upload("secret.pdf", pdf_bytes())})
    token = form_data(refused.content.decode(), "report_form")["pdf-held"]
    other = Client()
    other.force_login(make_user(role="Editors"))
    url, data = _new_report_form(other)

    response = other.post(url, data | {"pdf-held": token})

    assert response.status_code == 302
    assert not Report.objects.get(slug="other").pdf


def test_a_token_kept_on_one_report_attaches_nothing_to_another(editor):
    draft = make_report(title="Contributor's draft", published=False)
    live = make_report(title="Live report")
    kept = _refused_report_save(
        editor, _change_url(draft), pdf=_upload("draft.pdf", pdf_bytes())
    )
    data = form_data(editor.get(_change_url(live)).content.decode(), "report_form")

    response = editor.post(_change_url(live), data | {"pdf-held": kept["pdf-held"]})

    assert response.status_code == 302
    assert not Report.objects.get(pk=live.pk).pdf


def test_a_token_kept_on_an_add_form_attaches_nothing_to_an_existing_report(editor):
    report = make_report(title="Existing")
    url, data = _report_form(editor, title="")
    refused = editor.post(url, data | {"pdf": _upload("new.pdf", pdf_bytes())})
    token = form_data(refused.content.decode(), "report_form")["pdf-held"]
    data = form_data(editor.get(_change_url(report)).content.decode(), "report_form")

    editor.post(_change_url(report), data | {"pdf-held": token})

    assert not Report.objects.get(pk=report.pk).pdf


def test_a_token_kept_for_one_field_attaches_nothing_to_another(editor):
    url, data = _report_form(editor, title="", image_alt="A cover")
    refused = editor.post(url, data | {"image": _upload("cover.png", image_bytes())})
    kept = form_data(refused.content.decode(), "report_form")
    assert kept["image-held"]

    editor.post(
        url,
        kept
        | {"title": "Kept files", "image-held": "", "pdf-held": kept["image-held"]},
    )

    report = Report.objects.get(slug="kept-files")
    assert not report.pdf and not report.image


def test_a_token_kept_for_an_author_attaches_nothing_to_a_report(editor):
    url = reverse("admin:authors_author_add")
    data = form_data(editor.get(url).content.decode(), "author_form")
    refused = editor.post(
        url,
        data
        | {"name": "", "slug": "kept", "photo_alt": "A portrait"}
        | {"photo": _upload("portrait.png", image_bytes())},
    )
    token = form_data(refused.content.decode(), "author_form")["photo-held"]
    url, data = _report_form(editor, image_alt="A cover")

    editor.post(url, data | {"image-held": token})

    assert not Report.objects.get(slug="kept-files").image


def test_a_token_serves_one_save_only(editor, django_capture_on_commit_callbacks):
    url, data = _report_form(editor, title="")
    refused = editor.post(url, data | {"pdf": _upload("once.pdf", pdf_bytes())})
    kept = form_data(refused.content.decode(), "report_form")
    with django_capture_on_commit_callbacks(execute=True):
        saved = editor.post(url, kept | {"title": "Kept files"})
    assert saved.status_code == 302
    assert Report.objects.get(slug="kept-files").pdf
    url, data = _new_report_form(editor)

    again = editor.post(url, data | {"pdf-held": kept["pdf-held"]})

    assert again.status_code == 302
    assert not Report.objects.get(slug="other").pdf
    path = signing.loads(kept["pdf-held"], salt="folio.held-upload")["path"]
    assert not held_uploads.private_storage.exists(path)
