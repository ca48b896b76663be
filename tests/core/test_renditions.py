"""Renditions: their names, sizes and formats, made once from a checked image."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from PIL import Image

from core.renditions import (
    RenditionError,
    card,
    make_renditions,
    planned,
    rendition_names,
    source_name,
    srcset_candidates,
)
from core.uploads import RandomUploadPath
from tests.hostile_images import animated_webp, layered_gif


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


def _store(storage, name, size, image_format, *, mode="RGB", **options):
    output = io.BytesIO()
    color = (30, 120, 200, 128) if mode == "RGBA" else (30, 120, 200)
    Image.new(mode, size, color[: len(mode)]).save(
        output, format=image_format, **options
    )
    return storage.save(name, ContentFile(output.getvalue()))


def _opened(storage, name):
    with storage.open(name, "rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def _made(storage, name):
    return {
        rendition: (image.format, image.size)
        for rendition in rendition_names(storage, name)
        for image in [_opened(storage, rendition)]
    }


def test_a_large_jpeg_gets_three_widths_in_jpeg_and_webp_and_a_card(storage):
    name = _store(storage, "images/abc/cover.jpg", (1400, 875), "JPEG")

    assert make_renditions(storage, name, (1400, 875), with_card=True) == 7

    assert _made(storage, name) == {
        f"{name}.w320.jpg": ("JPEG", (320, 200)),
        f"{name}.w640.jpg": ("JPEG", (640, 400)),
        f"{name}.w1280.jpg": ("JPEG", (1280, 800)),
        f"{name}.w320.webp": ("WEBP", (320, 200)),
        f"{name}.w640.webp": ("WEBP", (640, 400)),
        f"{name}.w1280.webp": ("WEBP", (1280, 800)),
        f"{name}.og.jpg": ("JPEG", (1200, 630)),
    }


def test_a_small_png_is_never_enlarged_and_stands_in_at_its_own_width(storage):
    name = _store(storage, "images/abc/chart.png", (500, 300), "PNG")

    make_renditions(storage, name, (500, 300), with_card=True)

    assert _made(storage, name) == {
        f"{name}.w320.png": ("PNG", (320, 192)),
        f"{name}.w320.webp": ("WEBP", (320, 192)),
        f"{name}.w500.webp": ("WEBP", (500, 300)),
        # The card's shape, no larger than the original allows.
        f"{name}.og.jpg": ("JPEG", (500, 262)),
    }
    png, webp = srcset_candidates(name, (500, 300)).values()
    assert [(r.name, r.width, r.height) for r in png] == [
        (f"{name}.w320.png", 320, 192),
        (name, 500, 300),
    ]
    assert [r.width for r in webp] == [320, 500]


def test_a_gif_gets_png_renditions_and_a_webp_only_webp(storage):
    gif = _store(storage, "images/abc/still.gif", (800, 400), "GIF")
    webp = _store(storage, "images/def/photo.webp", (800, 400), "WEBP")

    make_renditions(storage, gif, (800, 400))
    make_renditions(storage, webp, (800, 400))

    assert _made(storage, gif) == {
        f"{gif}.w320.png": ("PNG", (320, 160)),
        f"{gif}.w640.png": ("PNG", (640, 320)),
        f"{gif}.w800.png": ("PNG", (800, 400)),
        f"{gif}.w320.webp": ("WEBP", (320, 160)),
        f"{gif}.w640.webp": ("WEBP", (640, 320)),
        f"{gif}.w800.webp": ("WEBP", (800, 400)),
    }
    assert _made(storage, webp) == {
        f"{webp}.w320.webp": ("WEBP", (320, 160)),
        f"{webp}.w640.webp": ("WEBP", (640, 320)),
    }


def test_transparency_is_kept_except_on_the_card(storage):
    name = _store(storage, "images/abc/logo.png", (700, 700), "PNG", mode="RGBA")

    make_renditions(storage, name, (700, 700), with_card=True)

    assert _opened(storage, f"{name}.w320.png").mode == "RGBA"
    assert _opened(storage, f"{name}.w320.webp").mode == "RGBA"
    card_image = _opened(storage, f"{name}.og.jpg")
    assert card_image.mode == "RGB"
    # Half-transparent blue laid on white, not on black.
    assert card_image.getpixel((10, 10))[0] > 100


def test_a_turned_photo_is_measured_and_made_upright(storage):
    exif = Image.Exif()
    exif[0x0112] = 6  # turned a quarter: shown 300 wide, 600 high
    name = _store(storage, "images/abc/turned.jpg", (600, 300), "JPEG", exif=exif)

    make_renditions(storage, name, (300, 600))

    assert _made(storage, name)[f"{name}.w300.webp"] == ("WEBP", (300, 600))


def test_making_again_makes_nothing_and_reads_nothing(storage):
    name = _store(storage, "images/abc/cover.jpg", (900, 600), "JPEG")
    assert make_renditions(storage, name, (900, 600), with_card=True) == 6
    storage.delete(name)

    assert make_renditions(storage, name, (900, 600), with_card=True) == 0


def test_an_image_of_another_size_than_recorded_gets_none(storage):
    name = _store(storage, "images/abc/cover.jpg", (900, 600), "JPEG")

    with pytest.raises(RenditionError):
        make_renditions(storage, name, (1200, 800))
    assert make_renditions(storage, name, (1200, 800), quiet=True) == 0
    assert rendition_names(storage, name) == []


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"\x89PNG\r\n\x1a\n truncated",
    ],
)
def test_files_that_are_not_images_get_none(storage, data):
    name = storage.save("images/abc/cover.png", ContentFile(data))

    with pytest.raises(RenditionError):
        make_renditions(storage, name, (900, 600))
    assert rendition_names(storage, name) == []


def test_an_image_past_the_pixel_limit_is_not_decoded(storage, settings):
    settings.FOLIO_MAX_IMAGE_PIXELS = 100_000
    name = _store(storage, "images/abc/huge.png", (1000, 1000), "PNG")

    with pytest.raises(RenditionError, match="pixel limit"):
        make_renditions(storage, name, (1000, 1000))
    assert rendition_names(storage, name) == []


@pytest.mark.parametrize(
    ("filename", "data", "size"),
    [
        # libwebp would allocate the canvas on opening: it is never opened.
        (
            "canvas.webp",
            animated_webp(canvas=(16_000, 16_000), frames=1),
            (16_000, 16_000),
        ),
        # A first frame far past a small logical screen.
        ("frame.gif", layered_gif(sizes=[(200, 200)], screen=(10, 10)), (10, 10)),
    ],
)
def test_hostile_images_are_refused_before_they_are_decoded(
    storage, settings, filename, data, size
):
    settings.FOLIO_MAX_IMAGE_PIXELS = 10_000
    name = storage.save(f"images/abc/{filename}", ContentFile(data))

    with pytest.raises(RenditionError, match="pixel limit"):
        make_renditions(storage, name, size)
    assert rendition_names(storage, name) == []


def test_rendition_names_lead_back_to_their_image_and_uploads_never_do():
    name = "images/Xy-z_1/cover.jpeg"
    for rendition in planned(name, (1500, 1000), with_card=True):
        assert source_name(rendition.name) == name
    assert card(name, (1500, 1000)).name == f"{name}.og.jpg"

    upload = RandomUploadPath("images")(None, "cover.jpg.w320.webp")
    assert source_name(upload) is None
    for other in (name, "images/a/cover.jpg.w0.jpg", "images/a/cover.pdf.w320.jpg"):
        assert source_name(other) is None
