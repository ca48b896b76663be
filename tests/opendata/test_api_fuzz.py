"""Fuzz the JSON API against its own OpenAPI document with Schemathesis.

Every operation gets a bounded, derandomized run: no server error, and every
answer's status, content type and body as the document says.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_author, make_related, make_report, make_series

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


OPERATIONS = [
    "/api/v1/publications/",
    "/api/v1/publications/{slug}/",
    "/api/v1/authors/",
    "/api/v1/series/",
    "/api/v1/topics/",
]


@pytest.fixture
def api_schema(db, settings):
    """Return the API's OpenAPI document, with a few live items to find."""
    settings.FOLIO_OPEN_DATA_REQUESTS_PER_MINUTE = 0
    author = make_author(slug="ann")
    series = make_series(slug="water")
    make_report(slug="rivers", authors=[author], series=series, tags=["Nile"], pdf=True)
    make_related(slug="note", authors=[author], tags=["Nile", "Délta"])
    # As Django's test client does: the test's transaction keeps the
    # connection that the end of each request would otherwise close.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_is_fuzzed(api_schema):
    assert sorted(api_schema.raw_schema["paths"]) == sorted(OPERATIONS)


@pytest.mark.parametrize("path", OPERATIONS)
def test_the_api_answers_as_its_openapi_document_says(api_schema, path):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate(checks=CHECKS)

    call()


@pytest.mark.parametrize("slug", ["rivers", "note"])
def test_live_publications_answer_as_the_document_says(api_schema, slug):
    # Generated slugs almost never name a live item: ask for the ones there.
    operation = api_schema["/api/v1/publications/{slug}/"]["GET"]
    response = operation.Case(path_parameters={"slug": slug}).call_and_validate(
        checks=CHECKS
    )
    assert response.status_code == 200
