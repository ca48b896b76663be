"""Any search text gets a results page, never a server error.

Every odd query in SEARCH_QUERIES goes through the search box of the
publication list, a topic page, the staff export page and its download. Run
this module on PostgreSQL too: its full-text parser is what odd queries break.
"""

import logging
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_author, make_related, make_report, make_user
from tests.security.payloads import SEARCH_QUERIES

pytestmark = pytest.mark.django_db

SURFACES = {
    "publications": (lambda: reverse("publications:publication-list"), {}),
    "topic": (lambda: reverse("publications:topic-detail", args=["water"]), {}),
    "export": (lambda: reverse("publication-export"), {}),
    "export-download": (lambda: reverse("publication-export"), {"download": "csv"}),
}


@pytest.fixture
def site():
    author = make_author(name="Ann Author", slug="ann-author")
    make_report(title="Water peace treaty", tags=["Water"], authors=[author])
    make_related(title="Water war analysis", tags=["Water"], authors=[author])


@pytest.fixture
def editor_client():
    client = Client(raise_request_exception=False)
    client.force_login(make_user(role="Editors"))
    return client


def test_the_corpus_covers_the_odd_inputs():
    assert len(SEARCH_QUERIES) >= 150
    assert any(query.count("-") >= 50 for query in SEARCH_QUERIES)
    assert any("\x00" in query for query in SEARCH_QUERIES)
    assert any(len(query) > 1000 for query in SEARCH_QUERIES)


@pytest.mark.parametrize("surface", SURFACES)
def test_every_query_gets_a_results_page(site, editor_client, surface, caplog):
    path, extra = SURFACES[surface]
    url = path()

    with caplog.at_level(logging.ERROR):
        answers = {
            query: editor_client.get(f"{url}?{urlencode({'q': query, **extra})}")
            for query in SEARCH_QUERIES
        }

    failures = {
        query[:60]: response.status_code
        for query, response in answers.items()
        if response.status_code != 200
    }
    assert failures == {}
    assert [record.getMessage() for record in caplog.records] == []


def _body(response):
    """Return the response's text, without the <mark>s around matched words."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content.replace(b"<mark>", b"").replace(b"</mark>", b"")


@pytest.mark.parametrize("surface", ["publications", "topic", "export-download"])
def test_a_normal_query_still_finds_on_every_surface(site, editor_client, surface):
    path, extra = SURFACES[surface]

    found = editor_client.get(path(), {"q": "treaty", **extra})
    missing = editor_client.get(path(), {"q": "glacier", **extra})

    assert b"Water peace treaty" in _body(found)
    assert b"Water peace treaty" not in _body(missing)


def test_a_normal_query_still_counts_on_the_export_page(site, editor_client):
    url = reverse("publication-export")

    assert editor_client.get(url, {"q": "treaty"}).context["count"] == 1
    assert editor_client.get(url, {"q": "glacier"}).context["count"] == 0
