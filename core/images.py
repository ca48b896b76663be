"""Derived images: list thumbnails made once from an upload."""

import io
from pathlib import PurePath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

THUMBNAIL_SIZE = (480, 320)


def make_thumbnail(field_file, *, size=THUMBNAIL_SIZE):
    """Return a JPEG or PNG ContentFile of *field_file* cropped to *size*."""
    field_file.open("rb")
    try:
        with Image.open(field_file) as image:
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in {"RGBA", "LA"} or "transparency" in image.info
            thumbnail = ImageOps.fit(
                image.convert("RGBA" if has_alpha else "RGB"), size
            )
    finally:
        field_file.close()
    output = io.BytesIO()
    if has_alpha:
        thumbnail.save(output, format="PNG", optimize=True)
        extension = "png"
    else:
        thumbnail.save(output, format="JPEG", quality=82, optimize=True)
        extension = "jpg"
    stem = PurePath(field_file.name).stem
    return ContentFile(output.getvalue(), name=f"{stem}-thumb.{extension}")
