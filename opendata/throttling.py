"""A request budget per client address for the open data endpoints.

FOLIO_OPEN_DATA_REQUESTS_PER_MINUTE requests a minute from one address,
counted in the default cache, which every app server shares. Behind a
proxy, DJANGO_AXES_PROXY_COUNT says how many X-Forwarded-For entries the
proxies added, as for login throttling.
"""

import functools
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse

logger = logging.getLogger("folio")

WINDOW_SECONDS = 60


def client_address(request):
    """Return the address the request came from, past trusted proxies."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def seconds_to_wait(request):
    """Count *request*; return the seconds until the next one is allowed, or 0."""
    limit = settings.FOLIO_OPEN_DATA_REQUESTS_PER_MINUTE
    if limit <= 0:
        return 0
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"folio:open-data-rate:{client_address(request)}:{window}"
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS + 1)
        count = cache.incr(key)
    except Exception as error:  # noqa: BLE001 - an outage must not close the API
        logger.warning("Open data rate limit not counted: %s", error)
        return 0
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


def throttled(*, status):
    """Answer *status* with Retry-After to a client over its budget.

    429 for the JSON API; OAI-PMH harvesters expect 503 (protocol section
    3.1.2.1).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            wait = seconds_to_wait(request)
            if not wait:
                return view(request, *args, **kwargs)
            response = JsonResponse(
                {"detail": f"Too many requests: try again in {wait} seconds."},
                status=status,
            )
            response["Retry-After"] = str(wait)
            return response

        return wrapper

    return decorator
