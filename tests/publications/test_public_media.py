"""Public uploads are served with safe headers; private files never are."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories import image_bytes, make_author, make_report

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_images_and_thumbnails_are_served_with_nosniff(client):
    report = make_report(image=True)
    author = make_author(photo=True)

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
    """Under `make serve` (DEBUG off) images show and private files stay hidden."""
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
