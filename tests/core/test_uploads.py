import io

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from core.uploads import RandomUploadPath, clean_image_upload, validate_pdf_upload
from tests.factories import image_bytes, pdf_bytes


def _upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("image_format", "extension", "content_type"),
    [
        ("JPEG", "jpg", "image/jpeg"),
        ("PNG", "png", "image/png"),
        ("WEBP", "webp", "image/webp"),
        ("GIF", "gif", "image/gif"),
    ],
)
def test_each_accepted_format_is_decoded_and_reencoded(
    image_format, extension, content_type
):
    data = image_bytes(image_format=image_format, size=(20, 10))

    cleaned = clean_image_upload(_upload("picture.bin", data))

    assert cleaned.name == f"picture.{extension}"
    assert cleaned.content_type == content_type
    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert image.format == image_format
        assert image.size == (20, 10)


def test_the_name_follows_the_content_not_the_upload():
    cleaned = clean_image_upload(_upload("photo.gif", image_bytes(image_format="PNG")))

    assert cleaned.name == "photo.png"


def test_transparent_palette_png_keeps_its_transparency():
    image = Image.new("P", (4, 4), 0)
    image.putpalette([255, 0, 0, 0, 255, 0])
    output = io.BytesIO()
    image.save(output, format="PNG", transparency=0)

    cleaned = clean_image_upload(_upload("icon.png", output.getvalue()))

    with Image.open(io.BytesIO(cleaned.read())) as stored:
        assert stored.mode == "P"
        assert stored.info.get("transparency") == 0


@override_settings(FOLIO_MAX_IMAGE_PIXELS=199)
def test_pixel_limit_is_inclusive():
    clean_image_upload(_upload("ok.png", image_bytes(size=(199, 1))))

    with pytest.raises(forms.ValidationError) as error:
        clean_image_upload(_upload("big.png", image_bytes(size=(200, 1))))
    assert error.value.code == "too_many_pixels"


@override_settings(FOLIO_MAX_IMAGE_BYTES=10)
def test_byte_limit_is_checked_before_decoding():
    with pytest.raises(forms.ValidationError) as error:
        clean_image_upload(_upload("big.png", b"x" * 11))

    assert error.value.code == "too_large"


def test_pdf_signature_is_required():
    validate_pdf_upload(_upload("report.pdf", pdf_bytes()))

    with pytest.raises(forms.ValidationError) as error:
        validate_pdf_upload(_upload("report.pdf", b"PK\x03\x04 a zip file"))
    assert error.value.code == "not_pdf"


@override_settings(FOLIO_MAX_PDF_BYTES=100)
def test_pdf_size_limit():
    with pytest.raises(forms.ValidationError) as error:
        validate_pdf_upload(_upload("report.pdf", b"%PDF-" + b"0" * 100))

    assert error.value.code == "too_large"


def test_upload_paths_are_random_and_clean():
    path = RandomUploadPath("images")

    first = path(None, "../My Cover Photo!.JPG")
    second = path(None, "../My Cover Photo!.JPG")

    assert first != second
    prefix, token, name = first.split("/")
    assert prefix == "images"
    assert len(token) >= 16
    assert name == "my-cover-photo.jpg"
