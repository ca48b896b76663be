"""Django's middleware, doing on each request only the work that request needs.

Profiled on a trivial 25 KB page (bench/middleware.py), three of Django's
middleware spent most of what Folio's stack adds to startproject's: the
messages storage signing-key setup (about 0.2 ms a request, whether or not
a message is read), the Content-Security-Policy header built afresh, and
the MD5 of every body for its ETag. These subclasses keep what each does
and skip the work when nothing needs it.
"""

import zlib

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import quote_etag
from django.utils.csp import CSP
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    """Open the messages storage only when the request reads or adds one.

    Storage untouched by a request has nothing to save: Django's update()
    then writes nothing either, so skipping it changes no response.
    """

    def process_request(self, request):
        from django.contrib.messages.storage import default_storage

        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response
        return super().process_response(request, response)


class CachedPolicyCSPMiddleware(ContentSecurityPolicyMiddleware):
    """Build the Content-Security-Policy once for pages that use no nonce.

    A policy naming a nonce is built per response, as Django does; one
    without depends only on the configuration, so it is kept per
    configuration object (override_settings gives a new one).
    """

    _built = {}

    def process_response(self, request, response):
        nonce = getattr(request, "_csp_nonce", None)
        if nonce or hasattr(response, "_csp_config"):
            return super().process_response(request, response)
        if hasattr(response, "_csp_ro_config"):
            return super().process_response(request, response)
        for header, config in (
            (CSP.HEADER_ENFORCE, settings.SECURE_CSP),
            (CSP.HEADER_REPORT_ONLY, settings.SECURE_CSP_REPORT_ONLY),
        ):
            if config and header not in response:
                response.headers[str(header)] = self._policy(config)
        return response

    def _policy(self, config):
        from django.utils.csp import build_policy

        kept = self._built.get(id(config))
        if kept is None or kept[0] is not config:
            kept = (config, build_policy(config, None))
            self._built[id(config)] = kept
        return kept[1]


def set_checksum_etag(response):
    """Give *response* an ETag from its body's CRC-32, Adler-32 and length.

    An ETag only has to change when the body does; MD5 of a 25 KB page took
    a tenth of a trivial request's time, the two checksums (64 bits and the
    length) a hundredth of that. Every ETag Folio makes comes from here, so
    GET and HEAD, cached and fresh, agree.
    """
    content = response.content
    if content:
        response.headers["ETag"] = quote_etag(
            f"{zlib.crc32(content):08x}{zlib.adler32(content):08x}{len(content):x}"
        )
    return response


class ChecksumConditionalGetMiddleware(ConditionalGetMiddleware):
    """Django's conditional GET, with the ETag of set_checksum_etag()."""

    def process_response(self, request, response):
        if (
            request.method in ("GET", "HEAD")
            and not response.streaming
            and not response.has_header("ETag")
            and self.needs_etag(response)
        ):
            set_checksum_etag(response)
        return super().process_response(request, response)
