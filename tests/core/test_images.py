import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from core.images import _shrink, gif_frame_sizes, make_thumbnail
from tests.hostile_images import layered_gif


def _thumbnail(image, image_format, **options):
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    thumbnail = make_thumbnail(SimpleUploadedFile("cover.bin", output.getvalue()))
    return thumbnail, Image.open(io.BytesIO(thumbnail.read()))


@pytest.mark.parametrize(
    ("mode", "image_format", "thumbnail_format"),
    [
        ("RGB", "JPEG", "JPEG"),
        ("CMYK", "JPEG", "JPEG"),
        ("RGBA", "PNG", "PNG"),
        ("I;16", "PNG", "JPEG"),
        ("P", "GIF", "JPEG"),
        ("RGBA", "WEBP", "PNG"),
    ],
)
def test_thumbnails_of_every_mode_are_cropped_to_size(
    mode, image_format, thumbnail_format
):
    image = Image.new(mode, (2000, 1700), 1 if mode in {"P", "I;16"} else None)

    thumbnail, stored = _thumbnail(image, image_format)

    assert stored.format == thumbnail_format
    assert stored.size == (480, 320)
    assert thumbnail.name.startswith("cover-thumb.")


def test_a_sideways_photo_is_turned_upright():
    image = Image.new("RGB", (1200, 1800))
    image.paste((255, 0, 0), (0, 0, 1200, 900))  # red on top, as stored
    exif = image.getexif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned 90° clockwise

    _, stored = _thumbnail(image, "JPEG", exif=exif)

    # Turned clockwise, the top edge is on the right.
    left, right = stored.getpixel((10, 160)), stored.getpixel((470, 160))
    assert left[0] < 50 and right[0] > 200


def test_shrinking_in_bands_matches_shrinking_at_once():
    size = (1001, 1333)
    image = Image.frombytes("RGBA", size, os.urandom(size[0] * size[1] * 4))

    shrunk = _shrink(image, 3, "RGBA")

    whole = image.crop((0, 0, 999, 1332)).reduce(3)
    assert shrunk.size == whole.size
    assert shrunk.tobytes() == whole.tobytes()


def test_gif_frame_sizes_grow_with_frames_past_the_screen():
    data = layered_gif(sizes=[(30, 20), (50, 10), (10, 40)], screen=(40, 40))

    assert gif_frame_sizes(data, limit=10) == [(40, 40), (50, 40), (50, 40)]
    assert len(gif_frame_sizes(data, limit=1)) == 2
    assert gif_frame_sizes(b"not a gif", limit=10) == []
