"""Where purges go: Varnish, or a CDN, behind one interface.

A backend names the response header its cache reads surrogate keys from,
and purge(keys) returns once every key is purged or raises PurgeError.
FOLIO_PURGE_BACKEND picks one by name or dotted path.
"""

import json
import time
import urllib.error
import urllib.request
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class PurgeError(Exception):
    """The cache did not confirm a purge; it is to be retried."""


class PurgeBackend:
    """Send purges by surrogate key to a shared cache."""

    key_header = "Surrogate-Key"
    separator = " "
    # Keys sent in one request, within the cache's limits.
    batch_size = 100

    def header(self, keys):
        """Return the (name, value) of the response header carrying *keys*."""
        return self.key_header, self.separator.join(sorted(keys))

    def purge(self, keys):
        """Purge every page carrying any of *keys*; raise PurgeError if not done."""
        keys = sorted(keys)
        for start in range(0, len(keys), self.batch_size):
            self.purge_batch(keys[start : start + self.batch_size])

    def purge_batch(self, keys):
        raise NotImplementedError


class VarnishPurgeBackend(PurgeBackend):
    """Varnish with the xkey vmod (deploy/varnish/folio.vcl), every server."""

    key_header = "xkey"

    def purge_batch(self, keys):
        urls = settings.FOLIO_VARNISH_URLS
        if not urls:
            raise ImproperlyConfigured("Set FOLIO_VARNISH_URLS to purge Varnish.")
        for url in urls:
            request = urllib.request.Request(
                url.rstrip("/") + "/",
                method="PURGE",
                headers={"xkey": " ".join(keys)},
            )
            _send(request, url, opener=_DIRECT)


class CloudflarePurgeBackend(PurgeBackend):
    """Cloudflare's purge by cache tag (Cache-Tag header; Enterprise plans)."""

    key_header = "Cache-Tag"
    separator = ","
    batch_size = 30
    api = "https://api.cloudflare.com/client/v4"

    def purge_batch(self, keys):
        zone = settings.FOLIO_CLOUDFLARE_ZONE_ID
        request = urllib.request.Request(
            f"{self.api}/zones/{zone}/purge_cache",
            method="POST",
            data=json.dumps({"tags": keys}).encode(),
            headers={
                "Authorization": f"Bearer {settings.FOLIO_CLOUDFLARE_API_TOKEN}",
                "Content-Type": "application/json",
            },
        )
        _send(request, "Cloudflare")


class FastlyPurgeBackend(PurgeBackend):
    """Fastly's purge by surrogate key (Surrogate-Key header)."""

    batch_size = 256
    api = "https://api.fastly.com"

    def purge_batch(self, keys):
        service = settings.FOLIO_FASTLY_SERVICE_ID
        request = urllib.request.Request(
            f"{self.api}/service/{service}/purge",
            method="POST",
            headers={
                "Fastly-Key": settings.FOLIO_FASTLY_API_TOKEN,
                "Surrogate-Key": " ".join(keys),
            },
        )
        _send(request, "Fastly")


class CloudFrontPurgeBackend(PurgeBackend):
    """CloudFront, which has no keys: each purge invalidates every path.

    Needs boto3 and AWS credentials in the environment. CloudFront charges
    per invalidated path beyond a free monthly allowance; "/*" counts as one.
    """

    key_header = "X-Folio-Keys"

    def purge(self, keys):
        distribution = settings.FOLIO_CLOUDFRONT_DISTRIBUTION_ID
        if not distribution:
            raise ImproperlyConfigured(
                "Set FOLIO_CLOUDFRONT_DISTRIBUTION_ID to purge CloudFront."
            )
        try:
            import boto3
        except ImportError as error:
            raise ImproperlyConfigured("The CloudFront backend needs boto3.") from error
        try:
            boto3.client("cloudfront").create_invalidation(
                DistributionId=distribution,
                InvalidationBatch={
                    "Paths": {"Quantity": 1, "Items": ["/*"]},
                    "CallerReference": f"folio-{time.time_ns()}",
                },
            )
        except Exception as error:  # noqa: BLE001 - botocore's errors are many
            raise PurgeError(f"CloudFront: {error}") from error


BACKENDS = {
    "varnish": VarnishPurgeBackend,
    "cloudflare": CloudflarePurgeBackend,
    "fastly": FastlyPurgeBackend,
    "cloudfront": CloudFrontPurgeBackend,
}


def purge_backend():
    """Return the configured backend, or None if there is none."""
    name = settings.FOLIO_PURGE_BACKEND
    if not name:
        return None
    return _backend(name)


@cache
def _backend(name):
    try:
        return (BACKENDS.get(name) or import_string(name))()
    except ImportError as error:
        raise ImproperlyConfigured(
            f"FOLIO_PURGE_BACKEND must be one of {', '.join(BACKENDS)} "
            f"or a dotted path, not {name!r}."
        ) from error


def _send(request, where, *, opener=None):
    opener = opener or urllib.request.build_opener()
    try:
        with opener.open(request, timeout=settings.FOLIO_PURGE_TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise PurgeError(f"{where} refused the purge: {error.code}") from error
    except OSError as error:
        raise PurgeError(f"{where} unreachable: {error}") from error


# Varnish sits next to the app servers: never through an HTTP proxy.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
