"""The API over HTTP: methods, CORS, ETags, the rate limit, its documents."""

import re

import pytest

from tests.factories import make_report

pytestmark = pytest.mark.django_db

LIST = "/api/v1/publications/"


def test_answers_carry_an_etag_and_answer_304_when_unchanged(client):
    make_report()
    first = client.get(LIST)
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get(LIST, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    make_report(title="Another")
    assert client.get(LIST, headers={"if-none-match": etag}).status_code == 200


def test_head_answers_like_get_without_a_body(client):
    make_report()
    get = client.get(LIST)
    head = client.head(LIST)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))


def test_cors_is_open_for_reading_and_never_echoes_the_origin(client):
    response = client.get(LIST, headers={"origin": "https://library.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Vary" not in response
    preflight = client.options(
        LIST,
        headers={
            "origin": "https://library.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused(client, method):
    response = getattr(client, method)(LIST)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_answers_do_not_depend_on_the_host_asked(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    make_report(slug="one")
    here = client.get(LIST)
    there = client.get(LIST, headers={"host": "other.example"})
    assert here.content == there.content
    assert "other.example" not in there.content.decode()


def test_a_client_over_its_budget_is_asked_to_wait(client, settings):
    settings.FOLIO_OPEN_DATA_REQUESTS_PER_MINUTE = 2
    assert client.get("/api/v1/topics/").status_code == 200
    assert client.get("/api/v1/topics/").status_code == 200
    refused = client.get("/api/v1/topics/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    other = client.get("/api/v1/topics/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    harvester = client.get("/oai/", {"verb": "Identify"})
    assert harvester.status_code == 503
    assert harvester["Retry-After"]


def test_the_openapi_document_is_3_1_and_documents_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/api/v1/publications/",
        "/api/v1/publications/{slug}/",
        "/api/v1/authors/",
        "/api/v1/series/",
        "/api/v1/topics/",
    }
    assert "429" in document["paths"]["/api/v1/publications/"]["get"]["responses"]
    assert "Rate limit" in document["info"]["description"]


def test_the_docs_load_only_from_this_site_under_the_csp(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/static/") for source in sources)
    # No inline script: the one script element without src holds JSON data.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    for source in sources:
        assert client.get(source).status_code == 200
