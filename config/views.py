"""Operational views."""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("folio")


@never_cache
@require_safe
def healthz(request):
    """Report whether the database answers; 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@cache_control(max_age=86400, public=True)
@require_safe
def favicon(request):
    """Send browsers that ask for /favicon.ico to the icon in the static files.

    A redirect rather than the bytes, so the icon keeps the static files'
    hashed name and long cache life in production.
    """
    return redirect(static("img/favicon.ico"))


def server_error(request):
    """Render the branded error page: 503 when the database is unreachable.

    Runs for any uncaught exception, including one raised in middleware, so a
    database outage gives readers a "try again" page and /healthz its 503.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.warning("Database unavailable: %s", error)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
