"""FOLIO_STORAGE_URL: where uploads are kept, read into STORAGES entries.

Unset (or ``file:``): the local folders MEDIA_ROOT and PRIVATE_MEDIA_ROOT.
``s3://bucket/prefix?endpoint_url=...&region_name=...``: an S3-compatible
bucket, public uploads under <prefix>/public/ and private ones under
<prefix>/private/. The bucket stays private: readers reach every file
through Folio's access-checked views, which redirect to short-lived signed
URLs (core.s3_storage). Credentials come from boto3's usual sources
(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role),
never from the URL.

Only the standard library here: settings import it before Django is set up.
"""

from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "core.storage.PrivateFileSystemStorage"},
}
# Query options of an s3:// URL and the S3Storage option each sets.
_S3_OPTIONS = {
    "endpoint_url": "endpoint_url",
    "region_name": "region_name",
    "addressing_style": "addressing_style",
    "signature_version": "signature_version",
    "url_seconds": "querystring_expire",
}
# How long a signed URL serves; a redirect to one is cached half as long.
DEFAULT_URL_SECONDS = 600


def media_storages(url):
    """Return the "default" and "private" STORAGES entries *url* describes.

    Raise ImproperlyConfigured, naming the problem, for a URL Folio can't use.
    """
    url = (url or "").strip()
    if not url or url in {"file:", "file://"}:
        return LOCAL_STORAGES
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(
            f"FOLIO_STORAGE_URL must start with s3:// (or be empty for local "
            f"folders), not {parts.scheme + ':' if parts.scheme else url!r}."
        )
    if parts.username or parts.password:
        raise ImproperlyConfigured(
            "FOLIO_STORAGE_URL must not hold credentials: set AWS_ACCESS_KEY_ID "
            "and AWS_SECRET_ACCESS_KEY instead."
        )
    if not parts.hostname:
        raise ImproperlyConfigured(
            "FOLIO_STORAGE_URL names no bucket: s3://bucket/prefix?endpoint_url=..."
        )
    options = {"bucket_name": parts.netloc}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in _S3_OPTIONS:
            known = ", ".join(sorted(_S3_OPTIONS))
            raise ImproperlyConfigured(
                f"FOLIO_STORAGE_URL has an unknown option {key!r}; known: {known}."
            )
        options[_S3_OPTIONS[key]] = value
    seconds = options.get("querystring_expire", DEFAULT_URL_SECONDS)
    try:
        options["querystring_expire"] = int(seconds)
    except ValueError:
        options["querystring_expire"] = 0
    if not 60 <= options["querystring_expire"] <= 7 * 24 * 3600:
        raise ImproperlyConfigured(
            "FOLIO_STORAGE_URL's url_seconds must be a whole number of seconds "
            f"from 60 to 604800 (S3's longest), not {seconds!r}."
        )
    if options.get("addressing_style", "path") not in {"path", "virtual", "auto"}:
        raise ImproperlyConfigured(
            "FOLIO_STORAGE_URL's addressing_style must be path, virtual or auto."
        )
    prefix = parts.path.strip("/")
    return {
        alias: {
            "BACKEND": backend,
            "OPTIONS": {
                **options,
                "location": f"{prefix}/{folder}" if prefix else folder,
            },
        }
        for alias, backend, folder in (
            ("default", "core.s3_storage.PublicS3Storage", "public"),
            ("private", "core.s3_storage.PrivateS3Storage", "private"),
        )
    }


def image_origins(storages):
    """Return the origins browsers load images from for *storages*, for CSP.

    Public images redirect to signed URLs of the bucket's endpoint.
    """
    options = storages["default"].get("OPTIONS", {})
    if "bucket_name" not in options:
        return []
    bucket = options["bucket_name"]
    endpoint = options.get("endpoint_url")
    if endpoint:
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
        if options.get("addressing_style") in {"virtual", "auto"}:
            return [origin, f"{parts.scheme}://{bucket}.{parts.netloc}"]
        return [origin]
    region = options.get("region_name")
    if options.get("addressing_style") == "path":
        return [
            f"https://s3.{region}.amazonaws.com"
            if region
            else "https://s3.amazonaws.com"
        ]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins
