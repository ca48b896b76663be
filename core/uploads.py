"""Upload handling: random file names, private storage, image and PDF checks."""

import io
import secrets
import warnings
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.deconstruct import deconstructible
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# Pillow format name -> (extension, content type) of what Folio stores.
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "GIF": ("gif", "image/gif"),
}
PDF_SIGNATURE = b"%PDF-"


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


class PrivateMediaStorage(FileSystemStorage):
    """Files kept outside MEDIA_ROOT, served only by views that check access."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return str(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; link to their view.")


private_storage = PrivateMediaStorage()


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
    """Decode *upload* fully and return a re-encoded copy without metadata.

    Raise ValidationError for anything that is not a whole JPEG, PNG, WebP or
    GIF within FOLIO_MAX_IMAGE_BYTES and FOLIO_MAX_IMAGE_PIXELS.
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
    not_an_image = forms.ValidationError(
        _(
            "This file is not an image Folio can read. Upload a complete JPEG, "
            "PNG, WebP or GIF file."
        ),
        code="invalid_image",
    )
    max_pixels = settings.FOLIO_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                raise not_an_image
            width, height = image.size
            if width * height > max_pixels:
                raise _too_many_pixels(width, height, max_pixels)
            image.load()  # decodes every byte: a truncated file fails here
    except forms.ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(0, 0, max_pixels) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise not_an_image from error
    return _reencode(image, upload.name)


def _too_many_pixels(width, height, max_pixels):
    size = f" ({width} × {height})" if width and height else ""
    return forms.ValidationError(
        _(
            "The image is too large%(size)s: at most %(megapixels)s megapixels "
            "are accepted."
        )
        % {"size": size, "megapixels": f"{max_pixels / 1_000_000:g}"},
        code="too_many_pixels",
    )


def _reencode(image, original_name):
    """Return a new upload holding only the pixels and colour profile."""
    image_format = image.format
    extension, content_type = IMAGE_FORMATS[image_format]
    output = io.BytesIO()
    if image_format == "GIF":
        image.save(output, format="GIF", save_all=getattr(image, "is_animated", False))
    else:
        if image_format == "JPEG" and image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        # A new image from the raw pixels carries no EXIF, GPS or XMP data.
        clean = Image.frombytes(image.mode, image.size, image.tobytes())
        if image.mode == "P":
            clean.putpalette(image.getpalette())
        options = {"quality": 90} if image_format in {"JPEG", "WEBP"} else {}
        if "transparency" in image.info and image_format == "PNG":
            options["transparency"] = image.info["transparency"]
        if icc_profile := image.info.get("icc_profile"):
            options["icc_profile"] = icc_profile
        clean.save(output, format=image_format, **options)
    stem = PurePath(original_name).stem or "image"
    return SimpleUploadedFile(f"{stem}.{extension}", output.getvalue(), content_type)


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
