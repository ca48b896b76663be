"""The site's URLs plus /bench/minimal/<bytes>/, the yardstick of the benchmark."""

from functools import lru_cache

from django.http import HttpResponse
from django.urls import include, path


@lru_cache(maxsize=8)
def _body(size):
    line = "<p>" + "x" * 75 + "</p>\n"
    page = "<!doctype html><html><body>\n" + line * (size // len(line) + 1)
    return page[: size - len("</body></html>")] + "</body></html>"


def minimal(request, size):
    """Return an HTML page of *size* bytes: Django's cost with no work to do."""
    return HttpResponse(_body(min(size, 1_000_000)))


urlpatterns = [
    path("bench/minimal/<int:size>/", minimal, name="bench-minimal"),
    path("", include("config.urls")),
]

handler500 = "config.views.server_error"
