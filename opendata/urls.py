from django.urls import path, re_path

from opendata.api import api
from opendata.http import not_found, read_only_endpoint
from opendata.oai import oai_pmh

app_name = "opendata"


def _read_only(patterns):
    for pattern in patterns:
        pattern.callback = read_only_endpoint(pattern.callback)
    return patterns


_api_patterns, _api_app_name, _api_namespace = api.urls

urlpatterns = [
    path(
        "api/v1/",
        (_read_only(_api_patterns), _api_app_name, _api_namespace),
    ),
    re_path(r"^api/v1/(?P<path>.*)$", not_found, name="api-not-found"),
    path("oai/", oai_pmh, name="oai"),
]
