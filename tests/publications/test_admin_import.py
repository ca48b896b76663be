"""The staff page /admin/publications/import/: upload, preview, confirm."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from authors.models import Author
from publications.models import Publication, Report
from tests.admin_pages import logged_in
from tests.factories import make_report, make_user
from tests.imports import csv_file, row, xlsx_file

pytestmark = pytest.mark.django_db

IMPORT_PAGE = "/admin/publications/import/"
COMPLETE = {
    "teaser": "A teaser.",
    "about": "<p>About.</p>",
    "summary_points": "A finding.",
    "authors": "Ann Archer",
    "topics": "Mediation",
}


@pytest.fixture
def editor():
    return logged_in(make_user(role="Editors"))


def _upload(client, data, name="publications.csv"):
    return client.post(IMPORT_PAGE, {"file": SimpleUploadedFile(name, data)})


def _token(response):
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return match and match.group(1)


def test_the_changelists_link_to_the_import_page(editor):
    for model in ("report", "relatedpublication"):
        response = editor.get(reverse(f"admin:publications_{model}_changelist"))
        assert f'href="{IMPORT_PAGE}"' in response.content.decode()


def test_the_preview_shows_each_row_and_writes_nothing(editor):
    make_report(slug="known", title="Old title", published=False)
    data = csv_file(
        [
            row(slug="known", title="New title"),
            row(slug="fresh", authors="Nia Newcomer"),
        ],
        columns=(*row(), "authors"),
    )
    response = _upload(editor, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 to create, 1 to change, 0 unchanged, 0 refused." in page
    assert "<del>Old title</del>" in page and "<ins>New title</ins>" in page
    assert "Authors to be created: Nia Newcomer" in page
    assert "Import 2 rows" in page
    assert _token(response)
    assert Report.objects.get().title == "Old title"
    assert not Author.objects.filter(name="Nia Newcomer").exists()


def test_confirming_imports_the_kept_file_in_one_go(editor):
    response = _upload(editor, xlsx_file([row(), row(slug="b", number=4)]), "p.xlsx")
    token = _token(response)
    response = editor.post(IMPORT_PAGE, {"token": token}, follow=True)
    assert "Imported p.xlsx: 2 created, 0 changed, 0 unchanged." in (
        response.content.decode()
    )
    assert Report.objects.count() == 2
    # The kept file serves once.
    again = editor.post(IMPORT_PAGE, {"token": token}, follow=True)
    assert "has expired" in again.content.decode()


def test_a_refused_row_shows_its_reasons_and_offers_no_confirm(editor):
    response = _upload(editor, csv_file([row(), row(slug="b", series="Nope")]))
    page = response.content.decode()
    assert "1 row is refused, so nothing can be imported." in page
    assert "series “Nope” is unknown" in page
    assert _token(response) is None


def test_a_refused_file_says_why(editor):
    response = _upload(editor, b"\xff\xfe\x00", "p.csv")
    assert "UTF-16" in response.content.decode()
    assert _token(response) is None


def test_confirm_plans_again_and_refuses_what_changed_meanwhile(editor):
    response = _upload(editor, csv_file([row(number="9")]))
    token = _token(response)
    make_report(slug="meanwhile", title="Meanwhile", number=9, published=False)
    response = editor.post(IMPORT_PAGE, {"token": token})
    page = response.content.decode()
    assert "Not imported: publications.csv" in page
    assert "No. 9 is already “Meanwhile”" in page
    assert list(Publication.objects.values_list("slug", flat=True)) == ["meanwhile"]


def test_a_token_kept_for_another_user_imports_nothing(editor):
    token = _token(_upload(editor, csv_file([row()])))
    other = logged_in(make_user(role="Editors"))
    response = other.post(IMPORT_PAGE, {"token": token}, follow=True)
    assert "has expired" in response.content.decode()
    forged = other.post(IMPORT_PAGE, {"token": token[:-2] + "xx"}, follow=True)
    assert "has expired" in forged.content.decode()
    assert not Publication.objects.exists()


def test_a_contributor_previews_live_rows_as_refused():
    contributor = logged_in(make_user(role="Contributors"))
    data = csv_file([row(status="live", **COMPLETE)], columns=(*row(), *COMPLETE))
    page = _upload(contributor, data).content.decode()
    assert "only users who may publish can import" in page


def test_users_who_may_not_add_publications_are_refused():
    exporter = logged_in(make_user(role="Exporters"))
    assert exporter.get(IMPORT_PAGE).status_code == 403
    assert _upload(exporter, csv_file([row()])).status_code == 403
    assert not Publication.objects.exists()


def test_a_file_over_the_in_memory_upload_size_is_kept_and_imported(editor, settings):
    # Past FILE_UPLOAD_MAX_MEMORY_SIZE, Django keeps the upload in a
    # temporary file: the preview and the kept copy read it from there.
    body = "<p>" + "Long body text. " * 5000 + "</p>"
    rows = [
        row(kind="related", type="Analysis", slug=f"long-{n}", body=body)
        for n in range(40)
    ]
    data = csv_file(rows, columns=(*row(), "body"))
    assert len(data) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    response = _upload(editor, data)
    assert "40 to create" in response.content.decode()
    editor.post(IMPORT_PAGE, {"token": _token(response)})
    assert Publication.objects.count() == 40
