"""Hostile uploads through the real admin in Chromium: refused, nothing kept."""

import io
import os
import struct
import zlib

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from authors.models import Author
from publications.models import Publication, Report
from tests.factories import get_type, image_bytes, make_report, make_user, pdf_bytes
from tests.security.browser import csp_violations

pytestmark = pytest.mark.django_db(transaction=True)

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
    b'onload="alert(\'svg\')"><script>console.log("XSS-svg")</script>'
    b'<circle r="4"/></svg>'
)


def bomb_png(*, width=30_000, height=30_000):
    """Return a tiny PNG whose header claims *width* × *height* pixels."""
    data = bytearray(image_bytes(image_format="PNG", size=(1, 1)))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def noisy_png(size=(160, 160)):
    """Return a PNG that compresses badly: bigger than the test's byte limit."""
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


# (file input, file name, content, error shown at the field)
CASES = [
    ("image", "bomb.png", bomb_png(), "The image is too large"),
    ("image", "cover.jpg", b"<html><script>alert(1)</script></html>", "not an image"),
    ("image", "cover.svg", SVG_WITH_SCRIPT, "SVG images are not accepted"),
    ("image", "drawing.png", SVG_WITH_SCRIPT, "SVG images are not accepted"),
    ("image", "big.png", noisy_png(), "The file is too large: the limit is"),
    ("pdf", "report.pdf", b"<html><script>alert(1)</script></html>", "not a PDF"),
    ("pdf", "big.pdf", pdf_bytes() + b"%" * 40_000, "The file is too large"),
]


def _files():
    roots = (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
    return {
        os.path.join(folder, name)
        for root in roots
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


def _stored_files():
    """Return the files stored outside the folder of uploads kept for a retry."""
    held = os.path.join(str(settings.PRIVATE_MEDIA_ROOT), "held")
    return {path for path in _files() if not path.startswith(held + os.sep)}


def _held_files():
    return _files() - _stored_files()


def _assert_only_good_images_kept(held_before):
    """Only files that passed their own checks are kept for a retry, privately:
    here the good image chosen beside a bad PDF, never a hostile file."""
    for path in _held_files() - held_before:
        with Image.open(path) as kept:
            kept.load()
            assert kept.size == (64, 48), path


def _upload(page, field, name, content):
    page.set_input_files(
        f"#id_{field}",
        files=[
            {"name": name, "mimeType": "application/octet-stream", "buffer": content}
        ],
    )


def _submit(page):
    with page.expect_navigation():
        page.locator("input[name=_save]").click()


def test_hostile_uploads_get_a_form_error_and_leave_nothing_behind(
    open_page, live_server, settings
):
    settings.FOLIO_MAX_IMAGE_BYTES = 20_000
    settings.FOLIO_MAX_PDF_BYTES = 30_000
    existing = make_report(title="Existing", image=True, pdf=True)
    stored = (existing.image.name, existing.thumbnail.name, existing.pdf.name)
    get_type("special-report")
    page, log = open_page(make_user(role="Editors"))
    files_before, held_before = _stored_files(), _held_files()
    rows_before = Publication.objects.count()

    page.goto(live_server.url + reverse("admin:publications_report_add"))
    page.fill("#id_title", "Upload test")
    page.fill("#id_slug", "upload-test")
    page.select_option("#id_publication_type", label="Special Report")
    page.fill("#id_teaser", "A teaser.")
    page.fill("#id_image_alt", "A cover")
    for field, name, content, message in CASES:
        _upload(page, field, name, content)
        if field == "pdf":  # a good image beside a bad PDF is kept for a retry
            _upload(page, "image", "good.png", image_bytes())
        _submit(page)
        error = page.locator(f".field-{field} .errorlist").inner_text()
        assert message in error, name
        assert Publication.objects.count() == rows_before, name
        assert _stored_files() == files_before, name
        _assert_only_good_images_kept(held_before)

    page.goto(
        live_server.url
        + reverse("admin:publications_report_change", args=[existing.pk])
    )
    _upload(page, "image", "bomb.png", bomb_png())
    _submit(page)
    assert (
        "The image is too large" in page.locator(".field-image .errorlist").inner_text()
    )
    existing = Report.objects.get(pk=existing.pk)
    assert (existing.image.name, existing.thumbnail.name, existing.pdf.name) == stored

    page.goto(live_server.url + reverse("admin:authors_author_add"))
    page.fill("#id_name", "Upload Author")
    page.fill("#id_slug", "upload-author")
    page.fill("#id_photo_alt", "A portrait")
    _upload(page, "photo", "portrait.png", bomb_png())
    _submit(page)
    assert (
        "The image is too large" in page.locator(".field-photo .errorlist").inner_text()
    )
    assert not Author.objects.filter(slug="upload-author").exists()

    assert _stored_files() == files_before
    _assert_only_good_images_kept(held_before)
    assert log.dialogs == []
    assert csp_violations(page) == []
