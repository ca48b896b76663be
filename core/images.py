"""Pillow's memory per decoded image, and list thumbnails made once from an upload."""

import io
import struct
from pathlib import PurePath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

THUMBNAIL_SIZE = (480, 320)
# Pillow keeps "RGB" padded to four bytes a pixel, like "RGBA" and "CMYK".
_ONE_BYTE_MODES = {"1", "L", "P"}
# Rows of the original shrunk at a time: a few megabytes a band.
_BAND_ROWS = 256
# EXIF orientations that swap width and height (see ImageOps.exif_transpose).
_SIDEWAYS_ORIENTATIONS = {5, 6, 7, 8}


def decoding_bytes_per_pixel(image, *, animated):
    """Return the memory checking and storing a frame of *image* takes a pixel.

    *image* is opened, not yet loaded. The figures are the peak Pillow 13 and
    its libraries reach decoding, then re-encoding as clean_image_upload does,
    measured with ru_maxrss on worst-case files (the noisiest content that
    fits the byte limit); tests/core/test_image_memory.py keeps them honest.
    """
    if image.format == "WEBP":
        # libwebp keeps the canvas and the previous one and hands Pillow a copy
        # of the frame: 16 bytes. Encoding adds 4 more, or about 30 with an
        # alpha channel, which goes through the lossless encoder.
        return 50 if "A" in image.getbands() else 22
    if animated:
        # GIF and APNG keep the frame, the previous one and copies for the
        # disposal, four bytes a pixel each.
        return 18
    if image.mode in _ONE_BYTE_MODES:
        cost = 1
    elif image.mode.startswith("I;16"):
        cost = 2
    else:
        cost = 4
    if image.format == "JPEG":
        if image.mode not in {"RGB", "L"}:
            cost += 4  # converted to RGB before it is stored
        if image.info.get("progressive"):
            # libjpeg keeps every DCT coefficient of a progressive file: two
            # bytes a pixel for each component.
            cost += 2 * len(image.getbands())
    return cost


def webp_canvas_size(data):
    """Return the canvas (width, height) a WebP file declares, or None.

    libwebp allocates the canvas as soon as Pillow opens the file, so its size
    is read from the header first. Layout: the RIFF container specification,
    https://developers.google.com/speed/webp/docs/riff_container
    """
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None


def gif_frame_sizes(data, *, limit):
    """Return the image size each frame of GIF *data* needs: at most *limit* + 1.

    A frame may reach past the logical screen; decoders then enlarge the
    image, and allocate for it while seeking to that frame, before any check
    can see the new size. The block structure tells every frame's extent
    without decoding (GIF89a specification, section 20 onwards,
    https://www.w3.org/Graphics/GIF/spec-gif89a.txt). Unknown bytes between
    blocks are skipped one at a time, as Pillow skips them.
    """
    if data[:6] not in {b"GIF87a", b"GIF89a"} or len(data) < 13:
        return []
    width, height = struct.unpack("<HH", data[6:10])
    position = 13 + _color_table_length(data[10])
    sizes = []
    while position < len(data) and len(sizes) <= limit:
        introducer = data[position]
        if introducer == 0x3B:  # trailer
            break
        if introducer == 0x21:  # extension: a label, then sub-blocks
            position = _after_sub_blocks(data, position + 2)
        elif introducer == 0x2C and position + 10 <= len(data):  # image
            left, top, frame_width, frame_height, flags = struct.unpack(
                "<HHHHB", data[position + 1 : position + 10]
            )
            width = max(width, left + frame_width)
            height = max(height, top + frame_height)
            sizes.append((width, height))
            # The local colour table, the LZW code size, then sub-blocks.
            position += 10 + _color_table_length(flags)
            position = _after_sub_blocks(data, position + 1)
        else:
            position += 1
    return sizes


def make_thumbnail(field_file, *, size=THUMBNAIL_SIZE):
    """Return a JPEG or PNG ContentFile of *field_file* cropped to *size*."""
    field_file.open("rb")
    try:
        with Image.open(field_file) as original:
            image = decoded_at_least(original, size)
            thumbnail = ImageOps.fit(image, size)
    finally:
        field_file.close()
    output = io.BytesIO()
    if thumbnail.mode == "RGBA":
        thumbnail.save(output, format="PNG", optimize=True)
        extension = "png"
    else:
        thumbnail.save(output, format="JPEG", quality=82, optimize=True)
        extension = "jpg"
    stem = PurePath(field_file.name).stem
    return ContentFile(output.getvalue(), name=f"{stem}-thumb.{extension}")


def has_alpha(image):
    """Return True if opened *image* has an alpha channel or a transparent colour."""
    return image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info


def decoded_at_least(original, size):
    """Return opened *original* upright, in RGB or RGBA, shrunk towards *size*.

    The result covers *size* (width, height, upright) wherever the original
    does: it is decoded once (a JPEG at the smallest scale that still covers
    it) and shrunk a whole factor at a time, a band of rows at a time, so no
    second copy of the full image is ever made.
    """
    mode = "RGBA" if has_alpha(original) else "RGB"
    width, height = size
    if original.getexif().get(0x0112, 1) in _SIDEWAYS_ORIENTATIONS:
        width, height = height, width
    original.draft(mode, (width, height))
    factor = max(1, min(original.width // width, original.height // height))
    return ImageOps.exif_transpose(_shrink(original, factor, mode))


def _shrink(image, factor, mode):
    """Return *image* in *mode*, *factor* times smaller, converted band by band.

    Converting, and reducing an image with alpha (premultiplied first), copy
    the whole image; a band of rows at a time they copy a band.
    """
    width, height = image.width // factor, image.height // factor
    shrunk = Image.new(mode, (width, height))
    rows = factor * max(1, _BAND_ROWS // factor)
    for top in range(0, height * factor, rows):
        bottom = min(top + rows, height * factor)
        band = image.crop((0, top, width * factor, bottom)).convert(mode)
        shrunk.paste(band.reduce(factor) if factor > 1 else band, (0, top // factor))
    shrunk.info = image.info
    return shrunk


def _color_table_length(flags):
    return 3 << ((flags & 7) + 1) if flags & 0x80 else 0


def _after_sub_blocks(data, position):
    """Return the position after the sub-blocks starting at *position*."""
    while position < len(data):
        size = data[position]
        position += 1 + size
        if size == 0:
            break
    return position
