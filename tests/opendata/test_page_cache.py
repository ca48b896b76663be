"""Open data answers in the shared page cache: by URL alone, fresh after saves."""

import pytest

from opendata.oai_records import record_identifier
from publications.models import Publication
from tests.factories import make_report
from tests.opendata.oai_checks import assert_valid_oai, header_list

# Invalidation runs when a transaction commits, so these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(shared_cache, settings):
    settings.FOLIO_PAGE_CACHE_SECONDS = 3600
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]


def test_api_answers_are_cached_whatever_the_host_and_origin(client):
    make_report(slug="cached")
    first = client.get("/api/v1/publications/")
    again = client.get(
        "/api/v1/publications/",
        headers={"host": "other.example", "origin": "https://elsewhere.example"},
    )
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content
    assert again["Access-Control-Allow-Origin"] == "*"
    unchanged = client.get(
        "/api/v1/publications/", headers={"if-none-match": first["ETag"]}
    )
    assert unchanged.status_code == 304


def test_a_withdrawal_reaches_cached_harvests_at_once(client):
    report = make_report(title="Soon gone")
    arguments = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    assert client.get("/oai/", arguments)["X-Cache"] == "miss"
    assert client.get("/oai/", arguments)["X-Cache"] == "hit"
    report.status = Publication.Status.DRAFT
    report.save()
    response = client.get("/oai/", arguments)
    assert response["X-Cache"] == "miss"
    assert header_list(assert_valid_oai(response.content)) == [
        (record_identifier(report.pk), "deleted")
    ]
