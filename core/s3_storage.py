"""Uploads in an S3-compatible bucket that no one reads without Folio's say.

The bucket and its objects stay private. A page links a public image at
Folio's own /media/ address, whose view checks the item is live and then
redirects to a signed URL of the object that expires in minutes
(core.storage.file_response); a PDF's address is its report's view, the same
way. So pages (and the page cache) never hold a URL that outlives the
check, and a draft's or withdrawn item's file has no address that works.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage


class _SignedS3Storage(S3Storage):
    """An S3 storage that never overwrites and hands out short-lived URLs."""

    def __init__(self, **options):
        # Like the local folders: a name already taken gets another, so a
        # save never replaces a file that a row or a version still names.
        options.setdefault("file_overwrite", False)
        # Signature version 4: the one every region and R2 accept.
        options.setdefault("signature_version", "s3v4")
        super().__init__(**options)

    def get_default_settings(self):
        # Signed URLs only: an unsigned one would need a public object.
        return {**super().get_default_settings(), "querystring_auth": True}

    def signed_url(self, name, *, content_type, download_name=""):
        """Return a signed URL of *name* and the seconds it serves.

        The object is sent with *content_type*, shown inline or saved as
        *download_name*, and only browsers may keep it, while the URL lasts.
        """
        seconds = self.querystring_expire
        parameters = {
            "ResponseContentType": content_type,
            "ResponseContentDisposition": (
                content_disposition_header(True, download_name)
                if download_name
                else "inline"
            ),
            "ResponseCacheControl": f"private, max-age={seconds}",
        }
        return S3Storage.url(self, name, parameters=parameters, expire=seconds), seconds


class PublicS3Storage(_SignedS3Storage):
    """Public uploads: their URL is Folio's /media/ view, which checks access."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))


class PrivateS3Storage(_SignedS3Storage):
    """PDFs and kept uploads, reached only through their owner's view."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no public URL; link to their view.")
