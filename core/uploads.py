"""Upload handling: random file names, private storage, image and PDF checks."""

import io
import secrets
import struct
import warnings
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.signals import setting_changed
from django.db import models
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty
from django.utils.text import format_lazy, get_valid_filename, slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from core.images import (
    decoding_bytes_per_pixel,
    gif_frame_sizes,
    webp_canvas_size,
)

# Pillow format name -> (extension, content type) of what Folio stores.
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "GIF": ("gif", "image/gif"),
}
PDF_SIGNATURE = b"%PDF-"
PRIVATE_STORAGE_ALIAS = "private"


@deconstructible
class RandomUploadPath:
    """Store uploads as <prefix>/<random>/<clean name> so names can't be guessed."""

    def __init__(self, prefix):
        self.prefix = prefix

    def __call__(self, instance, filename):
        path = PurePath(filename)
        stem = slugify(path.stem)[:60] or "file"
        suffix = get_valid_filename(path.suffix.lower())[:10]
        return f"{self.prefix}/{secrets.token_urlsafe(12)}/{stem}{suffix}"

    def __eq__(self, other):
        return isinstance(other, RandomUploadPath) and other.prefix == self.prefix


class PrivateMediaStorage(LazyObject):
    """The storage STORAGES names "private": PDFs and kept uploads.

    Found when first used, as Django's default_storage is, so a field's
    migration names no backend and a change of STORAGES takes effect.
    """

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]

    def deconstruct(self):
        return ("core.uploads.PrivateMediaStorage", (), {})


private_storage = PrivateMediaStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


class PrivateFieldFile(FieldFile):
    """A private file whose address is its owner's access-checked view.

    The owner names that view as the attribute ``<field name>_url`` (a
    report's ``pdf_url``), so code written for public files (the admin's
    read-only pages and file inputs) links to the view instead of failing.
    """

    @property
    def url(self):
        self._require_file()
        url = getattr(self.instance, f"{self.field.name}_url", None)
        if not url:
            return self.storage.url(self.name)  # refuses: there is no view
        return url


def _too_large_message(limit):
    megabytes = limit / (1024 * 1024)
    return _("The file is too large: the limit is %(size)s MB.") % {
        "size": f"{megabytes:g}"
    }


def clean_image_upload(upload):
    """Decode *upload* frame by frame; return its first frame without metadata.

    Raise ValidationError for anything that is not a whole JPEG, PNG, WebP or
    GIF within FOLIO_MAX_IMAGE_BYTES and FOLIO_MAX_IMAGE_PIXELS, and for an
    animation with too many frames or too many pixels in all. An animation is
    stored as a still of its first frame.

    Decoding takes at most as much memory as a still RGB image of
    FOLIO_MAX_IMAGE_PIXELS (four bytes a pixel): a format or an animation
    that needs more a pixel gets a lower pixel limit (core.images).
    """
    if upload.size > settings.FOLIO_MAX_IMAGE_BYTES:
        raise forms.ValidationError(
            _too_large_message(settings.FOLIO_MAX_IMAGE_BYTES), code="too_large"
        )
    upload.seek(0)
    data = upload.read()
    if data.lstrip()[:5].lower() in {b"<?xml", b"<svg", b"<svg "}:
        raise forms.ValidationError(
            _("SVG images are not accepted. Upload a JPEG, PNG, WebP or GIF."),
            code="svg",
        )
    if canvas := webp_canvas_size(data):
        # libwebp allocates the canvas when the file is opened.
        _check_frame_size(
            *canvas, max_pixels=max_frame_pixels(16), kind=_("a WebP image")
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in IMAGE_FORMATS:
                    raise _not_an_image()
                _decode_frames(image, _frame_sizes(image, data))
                image.seek(0)
                image.load()
                return _reencode(image, upload.name)
    except forms.ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(0, 0, settings.FOLIO_MAX_IMAGE_PIXELS) from error
    except (
        UnidentifiedImageError,
        EOFError,
        OSError,
        SyntaxError,
        ValueError,
        struct.error,
    ) as error:
        raise _not_an_image() from error


def _frame_sizes(image, data):
    """Return the size of each frame of *image*, at most the frame limit + 1.

    PNG and WebP frames lie within the canvas, and the files declare how
    many there are; GIF frames are counted and measured from the file.
    """
    limit = settings.FOLIO_MAX_IMAGE_FRAMES
    if image.format == "GIF":
        return gif_frame_sizes(data, limit=limit)
    return [image.size] * min(getattr(image, "n_frames", 1), limit + 1)


def _decode_frames(image, sizes):
    """Check the frame and pixel limits on *sizes*, then decode frame by frame."""
    max_frames = settings.FOLIO_MAX_IMAGE_FRAMES
    if len(sizes) > max_frames:
        raise _too_many_frames(max_frames)
    animated = len(sizes) > 1
    max_pixels = max_frame_pixels(decoding_bytes_per_pixel(image, animated=animated))
    kind = _kind(image, animated)
    for width, height in sizes:
        _check_frame_size(width, height, max_pixels=max_pixels, kind=kind)
    max_total = settings.FOLIO_MAX_ANIMATION_PIXELS
    if animated and sum(width * height for width, height in sizes) > max_total:
        raise _animation_too_large(max_total)
    for index in range(max(len(sizes), 1)):
        if index:
            image.seek(index)  # EOFError: fewer frames than the file declares
        # In case Pillow reads a frame differently from gif_frame_sizes.
        _check_frame_size(*image.size, max_pixels=max_pixels, kind=kind)
        image.load()  # decodes every byte: a truncated file fails here


def max_frame_pixels(bytes_per_pixel):
    """Return the pixel limit of a frame that takes *bytes_per_pixel* to decode."""
    max_pixels = settings.FOLIO_MAX_IMAGE_PIXELS
    return min(max_pixels, max_pixels * 4 // bytes_per_pixel)


def _check_frame_size(width, height, *, max_pixels, kind):
    if width * height > max_pixels:
        raise _too_many_pixels(width, height, max_pixels, kind=kind)


def _kind(image, animated):
    """Return what lowers *image*'s pixel limit, for the error message."""
    if animated:
        return _("an animated image")
    if image.format == "WEBP":
        return _("a WebP image")
    if image.format == "JPEG" and (
        image.mode not in {"RGB", "L"} or image.info.get("progressive")
    ):
        return _("a CMYK or progressive JPEG")
    return None


_ANIMATION_NOTE = _("An animated image is stored as a still of its first frame.")
IMAGE_HELP_TEXT = format_lazy(
    "{} {}", _("A JPEG, PNG, WebP or GIF image."), _ANIMATION_NOTE
)


def _not_an_image():
    return forms.ValidationError(
        _(
            "This file is not an image Folio can read. Upload a complete JPEG, "
            "PNG, WebP or GIF file."
        ),
        code="invalid_image",
    )


def _too_many_pixels(width, height, max_pixels, *, kind=None):
    size = f" ({width} × {height})" if width and height else ""
    megapixels = f"{max_pixels / 1_000_000:.3g}"
    if kind:
        message = _(
            "The image is too large%(size)s: at most %(megapixels)s megapixels "
            "are accepted in %(kind)s."
        )
    else:
        message = _(
            "The image is too large%(size)s: at most %(megapixels)s megapixels "
            "are accepted."
        )
    return forms.ValidationError(
        message % {"size": size, "megapixels": megapixels, "kind": kind},
        code="too_many_pixels",
    )


def _too_many_frames(max_frames):
    return forms.ValidationError(
        _("The animation has more than %(count)s frames, the most accepted. %(note)s")
        % {"count": max_frames, "note": _ANIMATION_NOTE},
        code="too_many_frames",
    )


def _animation_too_large(max_total):
    return forms.ValidationError(
        _(
            "The animation is too large: its frames hold more than "
            "%(megapixels)s megapixels in all, the most accepted. %(note)s"
        )
        % {"megapixels": f"{max_total / 1_000_000:.3g}", "note": _ANIMATION_NOTE},
        code="animation_too_large",
    )


def _reencode(image, original_name):
    """Return a new upload holding only the pixels, transparency and colour profile.

    The upload is a temporary file: a re-encoded image can be several times
    the size of a well-compressed original, and it is not kept in memory.
    """
    image_format = image.format
    extension, content_type = IMAGE_FORMATS[image_format]
    options = {
        key: image.info[key]
        for key in ("transparency", "icc_profile")
        if key in image.info and not (key == "transparency" and image_format == "JPEG")
    }
    # Encoders take EXIF, XMP and comments from the save options, and some from
    # the image's info too; clearing it keeps them out without copying pixels.
    image.info = {}
    if image_format == "JPEG":
        if image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        options["quality"] = 90
    elif image_format == "WEBP":
        # From method 3, libwebp keeps a token buffer that grows with the
        # image's detail: 18 bytes a pixel more on noise, for 9% smaller files.
        options.update(quality=90, method=2)
    stem = PurePath(original_name).stem or "image"
    cleaned = TemporaryUploadedFile(f"{stem}.{extension}", content_type, 0, None)
    image.save(cleaned, format=image_format, **options)
    cleaned.size = cleaned.tell()
    cleaned.seek(0)
    return cleaned


def validate_pdf_upload(upload):
    """Raise ValidationError unless *upload* is a PDF within FOLIO_MAX_PDF_BYTES."""
    if upload.size > settings.FOLIO_MAX_PDF_BYTES:
        raise forms.ValidationError(
            _too_large_message(settings.FOLIO_MAX_PDF_BYTES), code="too_large"
        )
    upload.seek(0)
    signature = upload.read(len(PDF_SIGNATURE))
    upload.seek(0)
    if signature != PDF_SIGNATURE:
        raise forms.ValidationError(
            _("This file is not a PDF. Upload a file saved as PDF."), code="not_pdf"
        )


class CleanImageFormField(forms.ImageField):
    """An image form field that decodes the whole upload and strips metadata."""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        cleaned = clean_image_upload(data)
        return super().to_python(cleaned)


class CleanImageField(models.ImageField):
    """An image field whose admin form applies clean_image_upload."""

    def formfield(self, **kwargs):
        if not self.help_text:
            kwargs.setdefault("help_text", IMAGE_HELP_TEXT)
        return super().formfield(**{"form_class": CleanImageFormField, **kwargs})


class PdfFormField(forms.FileField):
    """A file form field that accepts only PDFs within the size limit."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None:
            validate_pdf_upload(upload)
        return upload


class PdfField(models.FileField):
    """A PDF kept in private storage, reachable only through an access-checked view."""

    attr_class = PrivateFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("storage", private_storage)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PdfFormField, **kwargs})
