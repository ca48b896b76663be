"""Public uploads are served with safe headers; private files never are."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.renditions import CONTENT_TYPES, rendition_names
from core.views import PUBLIC_MEDIA_MAX_AGE
from publications.models import Report
from tests.admin_pages import admin_url, logged_in, open_form
from tests.factories import image_bytes, make_author, make_report, make_user

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_images_and_thumbnails_are_served_with_nosniff(client):
    author = make_author(photo=True)
    report = make_report(image=True, authors=[author])

    for field_file in (report.image, report.thumbnail, author.photo):
        response = client.get(field_file.url)
        assert response.status_code == 200, field_file.url
        assert response["Content-Type"] in {"image/png", "image/jpeg"}
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == "inline"
        assert b"".join(response.streaming_content)


@pytest.mark.django_db
def test_media_is_served_with_debug_off(client, settings):
    settings.DEBUG = False
    report = make_report(image=True)

    assert client.get(report.thumbnail.url).status_code == 200


@pytest.mark.django_db
def test_private_files_are_never_served(client, media_root):
    report = make_report(pdf=True)
    (media_root / "private" / "note.png").write_bytes(b"not public")

    for path in (
        f"/media/private/{report.pdf.name}",
        "/media/private/note.png",
        "/media/images/../private/note.png",
        "/media/./private/note.png",
        "/media//private/note.png",
        "/media/%2e%2e/private/note.png",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.django_db
def test_only_image_types_are_served(client):
    name = default_storage.save("images/x/page.html", ContentFile(b"<script>"))
    renamed = default_storage.save("images/x/page.png.html", ContentFile(b"<b>"))

    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/media/{renamed}").status_code == 404


@pytest.mark.django_db
def test_missing_files_and_folders_are_not_found(client):
    assert client.get("/media/images/none.png").status_code == 404
    assert client.get("/media/images/").status_code == 404
    assert client.get("/media/../config/settings/base.py").status_code == 404


@pytest.mark.django_db
def test_only_safe_methods_are_allowed(client):
    report = make_report(image=True)

    assert client.post(report.image.url).status_code == 405


def test_production_settings_serve_public_images_but_not_private_files(tmp_path):
    """Under `make serve` (DEBUG off) live images show, private files stay hidden."""
    (tmp_path / "images" / "abc").mkdir(parents=True)
    (tmp_path / "images" / "abc" / "cover.png").write_bytes(image_bytes())
    (tmp_path / "private" / "pdfs").mkdir(parents=True)
    (tmp_path / "private" / "pdfs" / "report.pdf").write_bytes(b"%PDF-1.4")
    code = (
        "import django, json; django.setup();"
        "from django.conf import settings;"
        "from django.core.management import call_command;"
        "call_command('collectstatic', interactive=False, verbosity=0);"
        "from django.test import Client;"
        "call_command('migrate', verbosity=0);"
        "from publications.models import PublicationType, Report;"
        "report = Report(title='Live', slug='live', teaser='A teaser.',"
        " status='published', publication_type=PublicationType.objects"
        ".filter(kind='report').first());"
        "report.save();"
        "Report.objects.filter(pk=report.pk).update(image='images/abc/cover.png');"
        "c = Client();"
        "get = lambda p: c.get(p, secure=True, headers={'host': 'folio.example.org'});"
        "image = get('/media/images/abc/cover.png');"
        "private = get('/media/private/pdfs/report.pdf');"
        "print(json.dumps({'debug': settings.DEBUG, 'image': image.status_code,"
        "'nosniff': image.get('X-Content-Type-Options'),"
        "'type': image.get('Content-Type'), 'private': private.status_code}))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "media-production-test-key-" + "m" * 50,
        "DJANGO_ALLOWED_HOSTS": "folio.example.org",
        "FOLIO_SITE_URL": "https://folio.example.org",
        "DJANGO_MEDIA_ROOT": str(tmp_path),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {
        "debug": False,
        "image": 200,
        "nosniff": "nosniff",
        "type": "image/png",
        "private": 404,
    }


# Whose images anyone may fetch: those of live items and of authors credited
# on one. Staff who may view the item see the others, never from a cache.


def _not_live():
    now = timezone.now()
    return {
        "draft": make_report(image=True, published=False),
        "scheduled": make_report(image=True, publish_at=now + timedelta(days=1)),
        "expired": make_report(
            image=True,
            publish_at=now - timedelta(days=3),
            unpublish_at=now - timedelta(days=1),
        ),
    }


@pytest.mark.django_db
def test_images_of_items_that_are_not_live_are_not_served_to_readers(client):
    for state, report in _not_live().items():
        for field_file in (report.image, report.thumbnail):
            assert client.get(field_file.url).status_code == 404, state


@pytest.mark.django_db
def test_renditions_follow_the_rule_of_their_image(client, committed):
    with committed():
        author = make_author(photo=True)
        live = make_report(image=True, authors=[author])
        not_live = _not_live()
    editor = logged_in(make_user(role="Editors"))

    for field_file in (live.image, live.thumbnail, author.photo):
        names = rendition_names(default_storage, field_file.name)
        assert names, field_file.name
        for name in names:
            response = client.get(default_storage.url(name))
            assert response.status_code == 200, name
            assert response["Content-Type"] == CONTENT_TYPES[name.rpartition(".")[2]]
            assert response["X-Content-Type-Options"] == "nosniff"
    for state, report in not_live.items():
        for field_file in (report.image, report.thumbnail):
            names = rendition_names(default_storage, field_file.name)
            assert names, state
            for name in names:
                assert client.get(default_storage.url(name)).status_code == 404, name
                response = editor.get(default_storage.url(name))
                assert response.status_code == 200, name
                assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_rendition_not_made_yet_sends_readers_to_its_image(client):
    # Without a commit, the renditions are never made.
    live = make_report(image=True)
    draft = make_report(image=True, published=False)

    response = client.get(live.image.url + ".w64.webp")

    assert response.status_code == 302
    assert response["Location"] == live.image.url
    assert "no-cache" in response["Cache-Control"]
    assert client.get(draft.image.url + ".w64.webp").status_code == 404
    assert client.get(live.image.url + ".w65.webp").status_code == 302
    assert client.get(live.image.url + ".w64.gif").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Editors", "Contributors", "Exporters"])
def test_staff_who_may_view_an_item_see_its_images_uncached(role):
    staff = logged_in(make_user(role=role))

    for state, report in _not_live().items():
        response = staff.get(report.thumbnail.url)
        assert response.status_code == 200, state
        assert "no-store" in response["Cache-Control"], state
        assert "public" not in response["Cache-Control"], state

    assert logged_in(make_user()).get(report.image.url).status_code == 404


@pytest.mark.django_db
def test_live_images_are_cached_for_minutes_not_weeks(client):
    report = make_report(image=True)

    response = client.get(report.image.url)

    assert response.status_code == 200
    assert response["Cache-Control"] == f"public, max-age={PUBLIC_MEDIA_MAX_AGE}"
    assert PUBLIC_MEDIA_MAX_AGE <= 10 * 60


@pytest.mark.django_db
def test_a_withdrawn_items_images_stop_being_served(client):
    report = make_report(image=True)
    assert client.get(report.image.url).status_code == 200
    editor = logged_in(make_user(role="Editors"))

    editor.post(
        reverse("admin:publications_report_changelist"),
        {"action": "unpublish", "_selected_action": [report.pk]},
    )

    assert client.get(report.image.url).status_code == 404
    assert client.get(report.thumbnail.url).status_code == 404
    assert editor.get(report.image.url).status_code == 200


@pytest.mark.django_db
def test_an_author_photo_is_public_while_a_live_item_credits_them(client):
    author = make_author(photo=True)
    assert client.get(author.photo.url).status_code == 404
    make_report(published=False, authors=[author])
    assert client.get(author.photo.url).status_code == 404

    make_report(authors=[author])

    assert client.get(author.photo.url).status_code == 200


@pytest.mark.django_db
def test_an_image_kept_only_for_history_is_not_served_to_readers(client):
    report = make_report(image=True)
    editor = logged_in(make_user(role="Editors"))
    editor.post(admin_url(report), open_form(editor, admin_url(report), report))
    old = report.image.url
    editor.post(
        admin_url(report),
        open_form(editor, admin_url(report), report)
        | {"image": SimpleUploadedFile("new.png", image_bytes(color=(9, 9, 9)))},
    )

    assert client.get(old).status_code == 404
    assert editor.get(old).status_code == 200  # shown on the History pages
    assert client.get(Report.objects.get(pk=report.pk).image.url).status_code == 200
