"""Serving public uploads: images only, never the private folder."""

import posixpath
from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from core.uploads import IMAGE_FORMATS

# What public media holds: the images and thumbnails of publications and
# authors. Anything else (a PDF, a renamed HTML file) is not served here.
PUBLIC_MEDIA_TYPES = {
    f".{extension}": content_type for extension, content_type in IMAGE_FORMATS.values()
} | {".jpeg": "image/jpeg"}
PRIVATE_FOLDER = "private"


@require_safe
def public_media(request, path):
    """Serve an uploaded image from MEDIA_ROOT, outside its private folder."""
    normalized = PurePosixPath(posixpath.normpath(path).lstrip("/"))
    if (
        not normalized.parts
        or normalized.parts[0] in {PRIVATE_FOLDER, "..", "."}
        or "\x00" in path
    ):
        raise Http404("Not found.")
    content_type = PUBLIC_MEDIA_TYPES.get(normalized.suffix.lower())
    if content_type is None:
        raise Http404("Not found.")
    response = serve(request, str(normalized), document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    # Stored names carry a random part and a new upload gets a new name.
    patch_cache_control(response, public=True, max_age=60 * 60 * 24 * 30)
    return response
