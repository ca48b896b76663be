"""Smaller copies of uploaded images, made once after the upload commits.

For a stored image images/<random>/cover.jpg of W × H pixels (upright):

- cover.jpg.w320.jpg, .w640.jpg and .w1280.jpg in the original's format
  (a GIF's in PNG), and the same widths in WebP (cover.jpg.w320.webp ...);
  never wider than the original, so a 900-pixel image has 320, 640 and 900.
  At its own width and in its own format the original stands in itself;
- with a card, cover.jpg.og.jpg: the Open Graph image, cropped to
  1200 × 630 (the same shape, smaller, from a smaller original).

The names follow from the original's name and its recorded size, so a page
lists them without reading storage or the database. They sit in the
original's random folder, are served under its rule and go with it
(core.media_files). A model names the fields that have renditions with
track_renditions().
"""

import io
import logging
import re
import struct
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps

from core.images import (
    decoded_at_least,
    decoding_bytes_per_pixel,
    gif_frame_sizes,
    webp_canvas_size,
)
from core.uploads import IMAGE_FORMATS, max_frame_pixels

logger = logging.getLogger("folio")

# About a phone's width, a tablet's or a laptop's column, and either at 2x.
WIDTHS = (320, 640, 1280)
# Open Graph's recommended size: https://ogp.me/ and Facebook's sharing
# guide ask for 1.91:1, at least 1200 × 630 for high-resolution displays.
CARD_SIZE = (1200, 630)
# The src of a browser that ignores srcset: the first at least this wide.
SRC_WIDTH = 640
# Original extension -> the extension of its renditions in the same format.
_SAME_FORMAT = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "gif": "png", "webp": "webp"}
_PILLOW_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# Uploaded names never hold a dot before their extension (RandomUploadPath
# slugifies the stem), so no upload can be taken for a rendition.
_RENDITION_NAME = re.compile(
    r"^(?P<source>.+\.(?:jpe?g|png|gif|webp))"
    r"\.(?:w(?P<width>[1-9][0-9]{0,4})|og)\.(?:jpg|png|webp)$"
)
# Lossy quality: Pillow's default for WebP, used for JPEG too so that the two
# formats of a width look alike.
_QUALITY = 80

# (model, field name) -> _Spec, for every field passed to track_renditions().
_SPECS = {}


class RenditionError(ValueError):
    """A stored image that renditions are not made from."""


@dataclass(frozen=True)
class _Spec:
    size: tuple | None  # a fixed (width, height), else read from the row
    card: bool


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int

    @property
    def extension(self):
        return PurePosixPath(self.name).suffix[1:]


def track_renditions(model, field_name, *, size=None, card=False):
    """Give *model*'s image field *field_name* renditions (and an Open Graph card).

    Every image the field holds is *size* (width, height) if given; else the
    row records it in <field name>_width and <field name>_height, as
    record_size() sets them.
    """
    _SPECS[(model, field_name)] = _Spec(size=size, card=card)


def tracked_fields():
    """Return {model: [(field name, whether its row records the size)]}."""
    fields = {}
    for (model, name), spec in _SPECS.items():
        fields.setdefault(model, []).append((name, spec.size is None))
    return fields


def _spec(field_file):
    for klass in type(field_file.instance).__mro__:
        spec = _SPECS.get((klass, field_file.field.name))
        if spec:
            return spec
    return None


def recorded_size(field_file):
    """Return the (width, height) recorded for *field_file*'s image, or None.

    Read from the row as loaded: a field left out of the query is taken as
    unknown, never fetched.
    """
    spec = _spec(field_file) if field_file else None
    if spec is None:
        return None
    if spec.size:
        return spec.size
    name = field_file.field.name
    values = field_file.instance.__dict__
    width, height = values.get(f"{name}_width"), values.get(f"{name}_height")
    return (width, height) if width and height else None


def record_size(instance, field_name):
    """Set *instance*'s <field_name>_width and _height from its image's header.

    The image may be an upload not yet stored. None and None when there is
    no image or it cannot be read: pages then show the original alone.
    """
    field_file = getattr(instance, field_name)
    size = upright_size(field_file) if field_file else None
    width, height = size or (None, None)
    setattr(instance, f"{field_name}_width", width)
    setattr(instance, f"{field_name}_height", height)


def upright_size(field_file):
    """Return the (width, height) *field_file*'s image is shown at, or None.

    None too for an image past the upload limits. No pixel is decoded.
    """
    committed = field_file._committed
    try:
        field_file.open("rb")
    except OSError:
        return None
    try:
        with _opened(field_file.file.read()) as image:
            return _upright(image.size, _orientation(image))
    except RenditionError:
        return None
    finally:
        if committed:
            field_file.close()
        else:
            field_file.file.seek(0)  # an upload the save stores next


def source_name(name):
    """Return the name of the image rendition *name* is made from, or None."""
    match = _RENDITION_NAME.match(name)
    return match["source"] if match else None


def rendition_widths(size):
    """Return the widths of the renditions of an image of *size*."""
    return sorted({min(width, size[0]) for width in WIDTHS})


def srcset_candidates(name, size):
    """Return {extension: [Rendition, narrowest first]} of image *name* of *size*.

    The original's own format comes first, then WebP; the original stands in
    for the widest of its own format when nothing is cut from it.
    """
    extension = _extension(name)
    same = _SAME_FORMAT.get(extension)
    if same is None:
        return {}
    candidates = {}
    for rendition_extension in dict.fromkeys((same, "webp")):
        # A GIF's own widths are PNG: the original is no PNG to stand in.
        stands_in = rendition_extension == same and extension != "gif"
        candidates[rendition_extension] = [
            Rendition(
                name
                if stands_in and width == size[0]
                else f"{name}.w{width}.{rendition_extension}",
                width,
                _height_at(size, width),
            )
            for width in rendition_widths(size)
        ]
    return candidates


def card(name, size):
    """Return the Open Graph card of image *name* of *size*: never enlarged."""
    scale = min(1, size[0] / CARD_SIZE[0], size[1] / CARD_SIZE[1])
    width = max(1, round(CARD_SIZE[0] * scale))
    height = max(1, round(CARD_SIZE[1] * scale))
    return Rendition(f"{name}.og.jpg", width, height)


def card_of(field_file):
    """Return the Open Graph card of *field_file* if it has one, else None."""
    spec = _spec(field_file) if field_file else None
    size = recorded_size(field_file)
    if not (spec and spec.card and size) or not _has_renditions(field_file.name):
        return None
    return card(field_file.name, size)


def planned(name, size, *, with_card=False):
    """Return the Renditions to store for image *name* of *size*."""
    renditions = [
        rendition
        for candidates in srcset_candidates(name, size).values()
        for rendition in candidates
        if rendition.name != name
    ]
    if with_card and renditions:
        renditions.append(card(name, size))
    return renditions


def make_after_commit(field_file):
    """Make *field_file*'s renditions once the current transaction commits."""
    size = recorded_size(field_file)
    spec = _spec(field_file)
    if size and spec:
        # Once committed, the save stands: a failure leaves pages linking
        # the original instead (core.views), never an error for the save.
        transaction.on_commit(
            partial(
                make_renditions,
                field_file.storage,
                field_file.name,
                size,
                with_card=spec.card,
                quiet=True,
            ),
            robust=True,
        )


def complete_renditions(instance, field_name, *, dry_run=False):
    """Record the size of *instance*'s image if missing, then make what is missing.

    Return the names of the renditions made (with *dry_run*, to be made).
    For images stored before their renditions were. Raise RenditionError
    for an image they are not made from.
    """
    field_file = getattr(instance, field_name)
    spec = _spec(field_file)
    size = recorded_size(field_file)
    if size is None:
        size = upright_size(field_file)
        if size is None:
            raise RenditionError(f"{field_file.name} cannot be read as an image.")
        if not dry_run:
            width, height = f"{field_name}_width", f"{field_name}_height"
            setattr(instance, width, size[0])
            setattr(instance, height, size[1])
            field_file.field.model._base_manager.filter(pk=instance.pk).update(
                **{width: size[0], height: size[1]}
            )
    storage = field_file.storage
    missing = [
        rendition.name
        for rendition in planned(field_file.name, size, with_card=spec.card)
        if not storage.exists(rendition.name)
    ]
    if missing and not dry_run:
        make_renditions(storage, field_file.name, size, with_card=spec.card)
    return missing


def make_renditions(storage, name, size, *, with_card=False, quiet=False):
    """Store the missing renditions of stored image *name*; return their number.

    The image is checked against the upload limits again before it is
    decoded, once, for all of them. *size* is the size pages were told; an
    image of another size gets none (RenditionError), so that pages never
    link renditions of another shape. With *quiet*, that and a missing file
    are logged instead.
    """
    missing = [
        rendition
        for rendition in planned(name, size, with_card=with_card)
        if not storage.exists(rendition.name)
    ]
    if not missing:
        return 0
    try:
        with storage.open(name, "rb") as file:
            data = file.read()
        widest = max(missing, key=lambda rendition: rendition.width)
        tallest = max(missing, key=lambda rendition: rendition.height)
        with _opened(data) as original:
            shown = _upright(original.size, _orientation(original))
            if shown != tuple(size):
                raise RenditionError(f"{name} is {shown}, recorded as {size}.")
            icc_profile = original.info.get("icc_profile")
            base = decoded_at_least(original, (widest.width, tallest.height))
    except (OSError, RenditionError) as error:
        if not quiet:
            raise
        logger.warning("No renditions of %s: %s", name, error)
        return 0
    for rendition in missing:
        data = _encode(base, rendition, icc_profile=icc_profile)
        stored = storage.save(rendition.name, ContentFile(data))
        if stored != rendition.name:  # made meanwhile by another process
            storage.delete(stored)
    return len(missing)


def rendition_names(storage, name):
    """Return the stored renditions of image *name*."""
    folder, _, filename = name.rpartition("/")
    try:
        _folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    prefix = f"{folder}/" if folder else ""
    return [
        f"{prefix}{other}" for other in files if source_name(f"{prefix}{other}") == name
    ]


def delete_renditions(storage, name):
    """Remove the stored renditions of image *name*."""
    for rendition in rendition_names(storage, name):
        storage.delete(rendition)


def _encode(base, rendition, *, icc_profile):
    """Return the bytes of *rendition* made from upright image *base*."""
    size = (rendition.width, rendition.height)
    if rendition.name.endswith(".og.jpg"):
        image = ImageOps.fit(base, size, method=Image.Resampling.LANCZOS)
    elif base.size != size:
        image = base.resize(size, Image.Resampling.LANCZOS)
    else:
        image = base
    image_format = _PILLOW_FORMATS[rendition.extension]
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        if image.mode == "RGBA":
            image = _on_white(image)
        options.update(quality=_QUALITY, optimize=True, progressive=True)
    elif image_format == "WEBP":
        options.update(quality=_QUALITY)
    else:
        options.update(optimize=True)
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def _on_white(image):
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


@contextmanager
def _opened(data):
    """Yield image *data* opened within the limits of clean_image_upload.

    Raise RenditionError for anything else, and for a decoding error while
    it is open. Only the first frame is ever decoded.
    """
    if canvas := webp_canvas_size(data):
        # libwebp allocates the canvas when the file is opened.
        _check_pixels(*canvas, max_frame_pixels(16))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in IMAGE_FORMATS:
                    raise RenditionError(f"{image.format} is not an upload format.")
                width, height = image.size
                if image.format == "GIF":
                    # The first frame may reach past the logical screen.
                    width, height = max(
                        gif_frame_sizes(data, limit=0), default=image.size
                    )
                cost = decoding_bytes_per_pixel(image, animated=False)
                _check_pixels(width, height, max_frame_pixels(cost))
                yield image
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        EOFError,
        OSError,  # UnidentifiedImageError, a truncated file
        SyntaxError,
        ValueError,
        struct.error,
    ) as error:
        if isinstance(error, RenditionError):
            raise
        raise RenditionError(f"not an image Folio reads ({error}).") from error


def _check_pixels(width, height, max_pixels):
    if width * height > max_pixels:
        raise RenditionError(f"{width} × {height} is past the pixel limit.")


def _orientation(image):
    """Return the EXIF orientation read with the header, never decoding."""
    raw = image.info.get("exif")
    if not raw:
        return 1
    exif = Image.Exif()
    exif.load(raw)
    return exif.get(0x0112, 1)


def _upright(size, orientation):
    # EXIF orientations 5 to 8 turn the image a quarter (ImageOps.exif_transpose).
    return (size[1], size[0]) if orientation in {5, 6, 7, 8} else tuple(size)


def _height_at(size, width):
    return max(1, round(size[1] * width / size[0]))


def _has_renditions(name):
    return _extension(name) in _SAME_FORMAT


def _extension(name):
    return PurePosixPath(name).suffix[1:].lower()
