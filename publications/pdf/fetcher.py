"""What the PDF renderer may read: Folio's static files and named media files.

Rich text is written by editors and may point anywhere. WeasyPrint would
fetch every image or stylesheet address it meets, from the network or the
local disk; this fetcher answers only for the site's own static files and
the media files the document is allowed to show, read from storage, and
refuses everything else. Nothing leaves the machine.
"""

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

from core.links import site_url


class RefusedURL(ValueError):
    """An address the PDF renderer may not read (the document skips it)."""


class LocalFilesFetcher(URLFetcher):
    """Serve static files and the media files in *media_names*, nothing else."""

    def __init__(self, *, media_names=()):
        super().__init__(allowed_protocols=())
        self.media_names = frozenset(media_names)
        origin = urlsplit(site_url())
        self.origin = (origin.scheme, origin.netloc)
        self.static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        self.media_prefix = "/" + settings.MEDIA_URL.strip("/") + "/"

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self.origin or parts.query:
            raise RefusedURL(f"Not a file of this site: {url}")
        path = unquote(parts.path)
        if path.startswith(self.static_prefix):
            return self._static(url, path.removeprefix(self.static_prefix))
        if path.startswith(self.media_prefix):
            return self._media(url, path.removeprefix(self.media_prefix))
        raise RefusedURL(f"Not a static or media file: {url}")

    def _static(self, url, name):
        try:
            found = finders.find(name)
        except SuspiciousFileOperation as error:
            raise RefusedURL(f"Not a static file: {url}") from error
        if not found:
            raise RefusedURL(f"No such static file: {url}")
        with open(found, "rb") as file:
            return self._response(url, name, file.read())

    def _media(self, url, name):
        if name not in self.media_names:
            raise RefusedURL(f"Not a file of this document: {url}")
        with default_storage.open(name, "rb") as file:
            return self._response(url, name, file.read())

    def _response(self, url, name, body):
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})
