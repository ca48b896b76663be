"""Serving public uploads: images only, never the private folder.

An image is served to anyone only while a live item (or an author credited
on one) names it; staff who may view the item see the others, uncached.
Renditions (core.renditions) follow the rule of their image.
"""

import posixpath
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from core import media_files, renditions
from core.storage import file_response
from core.uploads import IMAGE_FORMATS

# What public media holds: the images and thumbnails of publications and
# authors. Anything else (a PDF, a renamed HTML file) is not served here.
PUBLIC_MEDIA_TYPES = {
    f".{extension}": content_type for extension, content_type in IMAGE_FORMATS.values()
} | {".jpeg": "image/jpeg"}
PRIVATE_FOLDER = "private"
# Short, so that a withdrawn item's images leave browser and proxy caches
# soon after they stop being served; a revalidation is a cheap 304.
PUBLIC_MEDIA_MAX_AGE = 5 * 60


@require_safe
def public_media(request, path):
    """Serve an uploaded image of public storage to whoever may see it."""
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
    name = str(normalized)
    if media_files.is_public(name):
        cache_control = {"public": True, "max_age": PUBLIC_MEDIA_MAX_AGE}
    elif media_files.may_preview(request.user, name):
        cache_control = {"private": True, "no_store": True}
    else:
        raise Http404("Not found.")
    try:
        return file_response(
            default_storage,
            name,
            content_type=content_type,
            cache_control=cache_control,
        )
    except OSError:
        source = renditions.source_name(name)
        if source is None:
            raise Http404("Not found.") from None
    # Made just after the upload commits (or not at all, if that failed
    # until make_renditions runs): meanwhile, the image itself.
    response = HttpResponseRedirect(default_storage.url(source))
    patch_cache_control(response, no_cache=True, max_age=0)
    return response
