"""Where uploads are kept, and how a stored file reaches whoever may read it.

STORAGES names two: "default" for public uploads (images) and "private" for
PDFs and kept uploads. Both are local folders unless FOLIO_STORAGE_URL names
an S3-compatible bucket (config.storage_url, core.s3_storage). Either way
readers fetch files only through Folio's access-checked views, which call
file_response() here after their check.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.http import http_date


class PrivateFileSystemStorage(FileSystemStorage):
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


def file_response(storage, name, *, content_type, cache_control, download_name=""):
    """Return a response giving stored file *name* of *storage* to the reader.

    Call it once the reader may have the file. A storage that signs URLs
    (core.s3_storage) answers with a redirect to a signed URL that expires
    soon, cached for at most half its life; others stream the file. With
    *download_name* the browser saves it under that name, else shows it.
    Raise OSError (FileNotFoundError) if there is no such file.
    """
    signed_url = getattr(storage, "signed_url", None)
    if signed_url is not None:
        if not storage.exists(name):
            raise FileNotFoundError(name)
        url, seconds = signed_url(
            name, content_type=content_type, download_name=download_name
        )
        response = HttpResponseRedirect(url)
        if "max_age" in cache_control:
            # A cached redirect must not outlive the URL it points to.
            max_age = min(cache_control["max_age"], seconds // 2)
            cache_control = {**cache_control, "max_age": max_age}
        else:
            cache_control = {"private": True, "no_store": True, **cache_control}
    else:
        modified = storage.get_modified_time(name)
        response = FileResponse(
            storage.open(name, "rb"),
            as_attachment=bool(download_name),
            filename=download_name,
            content_type=content_type,
        )
        # ConditionalGetMiddleware answers If-Modified-Since with a 304.
        response["Last-Modified"] = http_date(modified.timestamp())
        if not download_name:
            response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, **cache_control)
    return response
