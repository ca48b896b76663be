import io
import zlib

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import ExifTags, Image, PngImagePlugin

from authors.models import Author
from core.images import webp_canvas_size
from core.uploads import RandomUploadPath, clean_image_upload, validate_pdf_upload
from tests.factories import image_bytes, pdf_bytes
from tests.hostile_images import animated_webp, animation, layered_gif, png


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


def _refusal(data, name="upload.bin"):
    with pytest.raises(forms.ValidationError) as error:
        clean_image_upload(_upload(name, data))
    return error.value


@pytest.mark.parametrize("image_format", ["GIF", "PNG", "WEBP"])
def test_an_animation_is_stored_as_a_still_of_its_first_frame(image_format):
    data = animation(image_format, size=(40, 30), frames=3)

    cleaned = clean_image_upload(_upload("moving.bin", data))

    with Image.open(io.BytesIO(cleaned.read())) as stored:
        assert stored.format == image_format
        assert stored.size == (40, 30)
        assert getattr(stored, "n_frames", 1) == 1
        red, green, blue = stored.convert("RGB").getpixel((5, 5))
        assert red < 8 and green > 247 and blue < 8  # frame 0's colour, near enough


@pytest.mark.parametrize(
    "data",
    [
        layered_gif(sizes=[(60, 60)] * 2),
        png(size=(60, 60), frames=2),
        animated_webp(canvas=(60, 60), frames=2),
    ],
    ids=["gif", "apng", "webp"],
)
@override_settings(FOLIO_MAX_IMAGE_PIXELS=10_000)
def test_animation_frames_have_a_lower_pixel_limit(data):
    clean_image_upload(_upload("still.png", image_bytes(size=(60, 60))))

    error = _refusal(data)

    assert error.code == "too_many_pixels"
    assert "(60 × 60)" in error.message
    assert "in an animated image" in error.message or "in a WebP image" in error.message


@pytest.mark.parametrize(
    "data",
    [
        layered_gif(sizes=[(4, 4)] * 6),
        png(size=(4, 4), frames=6),
        animated_webp(canvas=(4, 4), frames=6),
    ],
    ids=["gif", "apng", "webp"],
)
@override_settings(FOLIO_MAX_IMAGE_FRAMES=5)
def test_an_animation_with_too_many_frames_is_refused_before_decoding(data):
    error = _refusal(data)

    assert error.code == "too_many_frames"
    assert "more than 5 frames" in error.message
    assert "stored as a still of its first frame" in error.message


@override_settings(FOLIO_MAX_IMAGE_FRAMES=5)
def test_the_frame_limit_is_inclusive():
    clean_image_upload(_upload("five.gif", layered_gif(sizes=[(4, 4)] * 5)))


@pytest.mark.parametrize(
    "data",
    [layered_gif(sizes=[(30, 30)] * 3), png(size=(30, 30), frames=3)],
    ids=["gif", "apng"],
)
@override_settings(FOLIO_MAX_ANIMATION_PIXELS=2_000)
def test_frames_times_pixels_has_a_limit_in_all(data):
    error = _refusal(data)

    assert error.code == "animation_too_large"
    assert "more than 0.002 megapixels in all" in error.message


@override_settings(FOLIO_MAX_IMAGE_PIXELS=40_000)
def test_a_gif_frame_that_outgrows_the_screen_is_measured_before_it_is_decoded():
    data = layered_gif(sizes=[(10, 10), (200, 200)])

    error = _refusal(data)

    assert error.code == "too_many_pixels"
    assert "(200 × 200)" in error.message


def test_an_animation_with_a_truncated_later_frame_is_not_an_image():
    data = layered_gif(sizes=[(40, 30), (200, 150)])
    truncated = data[: len(data) - 40]

    assert _refusal(truncated).code == "invalid_image"


def test_a_truncated_image_is_refused_after_a_pdf_was_rendered_in_the_process():
    # WeasyPrint's import makes Pillow accept truncated files process-wide.
    from publications.pdf.render import render_pdf

    render_pdf("<p>Text</p>")
    truncated = layered_gif(sizes=[(40, 30), (200, 150)])[:-40]

    assert _refusal(truncated).code == "invalid_image"


def test_an_apng_declaring_more_frames_than_it_has_is_not_an_image():
    data = bytearray(png(size=(8, 8), frames=2))
    actl = data.index(b"acTL")
    data[actl + 4 : actl + 8] = (3).to_bytes(4, "big")
    data[actl + 12 : actl + 16] = zlib.crc32(bytes(data[actl : actl + 12])).to_bytes(
        4, "big"
    )

    assert _refusal(bytes(data)).code == "invalid_image"


@override_settings(FOLIO_MAX_IMAGE_PIXELS=40_000)
def test_a_webp_canvas_is_checked_before_libwebp_allocates_it():
    error = _refusal(animated_webp(canvas=(16_000, 16_000), frames=1))

    assert error.code == "too_many_pixels"
    assert "(16000 × 16000)" in error.message
    assert "in a WebP image" in error.message


@override_settings(FOLIO_MAX_IMAGE_PIXELS=1_000)
def test_a_cmyk_jpeg_has_half_the_pixel_limit_of_an_rgb_one():
    output = io.BytesIO()
    Image.new("CMYK", (30, 20), (0, 50, 100, 0)).save(output, format="JPEG")

    clean_image_upload(
        _upload("rgb.jpg", image_bytes(image_format="JPEG", size=(30, 20)))
    )
    error = _refusal(output.getvalue())

    assert "at most 0.0005 megapixels are accepted in a CMYK" in error.message


@pytest.mark.parametrize(
    ("image_format", "size"),
    [("VP8", (300, 200)), ("VP8L", (301, 201)), ("VP8X", (302, 202))],
)
def test_the_webp_canvas_size_is_read_from_each_kind_of_header(image_format, size):
    # Transparency makes the extended format (VP8X) with an alpha chunk.
    image = Image.new("RGBA", size, (1, 2, 3, 0 if image_format == "VP8X" else 255))
    output = io.BytesIO()
    image.save(output, format="WEBP", lossless=image_format == "VP8L")
    data = output.getvalue()

    assert data[12:16] == image_format.ljust(4).encode()
    assert webp_canvas_size(data) == size


def _with_metadata(image_format):
    """Return an image carrying EXIF, XMP and a comment where the format has them."""
    image = Image.new("RGB", (20, 10), (10, 20, 30))
    exif = image.getexif()
    exif[ExifTags.Base.Artist] = "SECRET-ARTIST"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SECRET-XMP</x:xmpmeta>'
    output = io.BytesIO()
    if image_format == "JPEG":
        image.save(output, "JPEG", exif=exif, xmp=xmp, comment=b"SECRET-COMMENT")
    elif image_format == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "SECRET-COMMENT")
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        image.save(output, "PNG", exif=exif, pnginfo=info)
    elif image_format == "WEBP":
        image.save(output, "WEBP", exif=exif, xmp=xmp)
    else:
        image.convert("P").save(output, "GIF", comment=b"SECRET-COMMENT")
    return output.getvalue()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_metadata_is_stripped_from_every_format(image_format):
    data = _with_metadata(image_format)
    assert b"SECRET" in data

    cleaned = clean_image_upload(_upload("picture.bin", data)).read()

    assert b"SECRET" not in cleaned
    assert not Image.open(io.BytesIO(cleaned)).getexif()


def test_the_admin_form_says_animations_become_stills():
    field = Author._meta.get_field("photo").formfield()

    assert "An animated image is stored as a still of its first frame." in str(
        field.help_text
    )
