"""Uploads through the publication admin forms: refused cleanly or stored clean."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import ExifTags, Image

from publications.models import Report
from tests.factories import image_bytes, make_user, pdf_bytes, publication_admin_data

pytestmark = pytest.mark.django_db

REPORT_ADD = "admin:publications_report_add"


def bomb_png(*, width=30_000, height=30_000):
    """Return a tiny PNG whose header claims *width* × *height* pixels."""
    data = bytearray(image_bytes(image_format="PNG", size=(1, 1)))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def jpeg_with_gps():
    """Return a JPEG carrying EXIF GPS coordinates, as phones write them."""
    image = Image.new("RGB", (40, 30), (200, 120, 40))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(role="Editors"))
    return client


def _files(root):
    return {path for path in root.rglob("*") if path.is_file()}


def _post(client, **files):
    data = publication_admin_data(slug="upload", image_alt="A cover", **files)
    return client.post(reverse(REPORT_ADD), data)


def _assert_refused(response, field, message, media_root, files_before):
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in errors[field][0]
    assert not Report.objects.exists()
    assert _files(media_root) == files_before


@pytest.mark.parametrize(
    ("name", "content", "settings", "message"),
    [
        ("bomb.png", bomb_png(), {}, "The image is too large"),
        (
            "big.png",
            image_bytes(size=(1200, 1000)),
            {"FOLIO_MAX_IMAGE_PIXELS": 1_000_000},
            "at most 1 megapixels",
        ),
        ("photo.jpg", b"This is a text file, not a photo.", {}, "not an image"),
        (
            "truncated.jpg",
            image_bytes(image_format="JPEG", size=(300, 200))[:600],
            {},
            "not an image",
        ),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            {},
            "SVG images are not accepted",
        ),
        (
            "drawing.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            {},
            "SVG images are not accepted",
        ),
        (
            "heavy.png",
            image_bytes(size=(200, 200)),
            {"FOLIO_MAX_IMAGE_BYTES": 100},
            "The file is too large",
        ),
    ],
    ids=[
        "bomb",
        "too-many-pixels",
        "not-an-image",
        "truncated",
        "svg",
        "svg-as-png",
        "too-many-bytes",
    ],  # fmt: skip
)
def test_bad_image_is_a_form_error_and_nothing_is_saved(
    editor_client, media_root, name, content, settings, message
):
    files_before = _files(media_root)

    with override_settings(**settings):
        response = _post(editor_client, image=SimpleUploadedFile(name, content))

    _assert_refused(response, "image", message, media_root, files_before)


@pytest.mark.parametrize(
    ("name", "content", "settings", "message"),
    [
        ("report.pdf", b"<html>not a pdf</html>", {}, "This file is not a PDF"),
        ("report.pdf", pdf_bytes(), {"FOLIO_MAX_PDF_BYTES": 100}, "too large"),
    ],
    ids=["not-a-pdf", "too-large"],
)
def test_bad_pdf_is_a_form_error_and_nothing_is_saved(
    editor_client, media_root, name, content, settings, message
):
    files_before = _files(media_root)

    with override_settings(**settings):
        response = _post(editor_client, pdf=SimpleUploadedFile(name, content))

    _assert_refused(response, "pdf", message, media_root, files_before)


def test_image_without_alt_text_is_refused(editor_client):
    data = publication_admin_data(
        slug="no-alt", image=SimpleUploadedFile("cover.png", image_bytes())
    )

    response = editor_client.post(reverse(REPORT_ADD), data)

    assert response.context["adminform"].form.errors["image_alt"] == [
        "Describe the image: alt text is required with one."
    ]
    assert not Report.objects.exists()


def test_gps_metadata_is_stripped_from_the_stored_image(editor_client):
    upload = jpeg_with_gps()
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    response = _post(editor_client, image=SimpleUploadedFile("phone.jpg", upload))

    assert response.status_code == 302
    report = Report.objects.get(slug="upload")
    with report.image.open("rb") as stored:
        data = stored.read()
    assert b"Exif" not in data
    assert b"PhoneMaker" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_good_image_and_pdf_are_stored_with_a_thumbnail(editor_client):
    response = _post(
        editor_client,
        image=SimpleUploadedFile("cover.png", image_bytes(size=(800, 600))),
        pdf=SimpleUploadedFile("report.pdf", pdf_bytes()),
    )

    assert response.status_code == 302
    report = Report.objects.get(slug="upload")
    assert report.image.name.endswith("/cover.png")
    assert report.thumbnail
    assert report.pdf.read(5) == b"%PDF-"


def test_pdf_is_stored_outside_the_public_media_folder(editor_client, media_root):
    _post(editor_client, pdf=SimpleUploadedFile("report.pdf", pdf_bytes()))

    report = Report.objects.get(slug="upload")
    assert report.pdf.path.startswith(str(media_root / "private"))


def test_the_current_pdf_links_to_the_download_view(editor_client):
    _post(editor_client, pdf=SimpleUploadedFile("report.pdf", pdf_bytes()))
    report = Report.objects.get(slug="upload")

    response = editor_client.get(
        reverse("admin:publications_report_change", args=[report.pk])
    )

    download = reverse("publications:report-pdf", kwargs={"slug": "upload"})
    assert f'<a href="{download}">report.pdf</a>' in response.content.decode()
