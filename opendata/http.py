"""HTTP around the JSON API's views: methods, HEAD, CORS and the rate limit.

Every answer is the same whatever the request's headers (but for
conditional requests), so a shared cache keyed by URL may keep it: CORS is
"*" for every origin, never an echo of the Origin header.
"""

import functools

from django.http import HttpResponse, JsonResponse

from core.middleware import set_checksum_etag
from opendata.throttling import throttled

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
}
_PREFLIGHT_HEADERS = {
    "Allow": ", ".join(SAFE_METHODS),
    "Access-Control-Allow-Methods": ", ".join(SAFE_METHODS),
    # Conditional requests are the only non-simple headers a reader sends.
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def read_only_endpoint(view):
    """Wrap an API view: GET and HEAD (rate limited), OPTIONS, CORS headers."""
    limited = throttled(status=429)(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            _set_headers(response, _PREFLIGHT_HEADERS)
        elif request.method in ("GET", "HEAD"):
            response = _as_get(limited, request, *args, **kwargs)
        else:
            response = JsonResponse(
                {"detail": "The API is read-only: use GET, HEAD or OPTIONS."},
                status=405,
            )
            response["Allow"] = ", ".join(SAFE_METHODS)
        _set_headers(response, _CORS_HEADERS)
        return response

    return wrapper


def _set_headers(response, headers):
    for name, value in headers.items():
        response[name] = value


def _as_get(view, request, *args, **kwargs):
    """Answer HEAD as GET without the body, with GET's ETag and length."""
    if request.method == "GET":
        return view(request, *args, **kwargs)
    request.method = "GET"
    try:
        response = view(request, *args, **kwargs)
    finally:
        request.method = "HEAD"
    if not response.streaming:
        set_checksum_etag(response)
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
    return response


@read_only_endpoint
def not_found(request, path=""):
    """Answer an unknown path under the API in JSON, like its other errors."""
    return JsonResponse({"detail": "No API endpoint at this address."}, status=404)
