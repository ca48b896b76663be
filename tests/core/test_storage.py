"""Stored files reach readers through storage, from local folders as before."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.utils.http import http_date

from core.storage import PrivateFileSystemStorage
from core.uploads import private_storage
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_local_images_answer_if_modified_since_with_not_modified(client):
    report = make_report(image=True)
    modified = default_storage.get_modified_time(report.image.name)

    first = client.get(report.image.url)
    again = client.get(
        report.image.url, headers={"if-modified-since": http_date(modified.timestamp())}
    )

    assert first.status_code == 200
    assert first["Last-Modified"] == http_date(modified.timestamp())
    assert again.status_code == 304


def test_local_pdfs_stream_as_a_download(client):
    report = make_report(pdf=True)

    response = client.get(report.pdf_url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_private_files_follow_the_private_storage_of_storages(settings, tmp_path):
    assert isinstance(storages["private"], PrivateFileSystemStorage)
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }

    name = private_storage.save("pdfs/a/file.pdf", ContentFile(b"%PDF-"))

    assert (tmp_path / name).read_bytes() == b"%PDF-"
