"""The API sends the same queries whatever the number of rows on a page."""

import pytest

from tests.factories import make_author, make_related, make_report, make_series

pytestmark = pytest.mark.django_db


def _publications(count):
    authors = [make_author(name=f"Author {n}") for n in range(3)]
    series = make_series()
    for number in range(count):
        if number % 3:
            make_related(authors=authors[:2], tags=["Water", f"Topic {number}"])
        else:
            make_report(authors=authors, tags=["Water"], series=series, pdf=True)


@pytest.mark.parametrize("rows", [3, 40])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The page; its authors; its topics.
        ("/api/v1/publications/?page_size=50", 3),
        # The same, after the topic's id is looked up.
        ("/api/v1/publications/?page_size=50&topic=water", 4),
        # The content version, then the list counted over every live item.
        ("/api/v1/authors/?page_size=50", 2),
        ("/api/v1/series/", 2),
        ("/api/v1/topics/", 2),
    ],
)
def test_lists_send_fixed_queries(
    client, django_assert_num_queries, rows, url, queries
):
    _publications(rows)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["results"]


def test_a_publication_sends_fixed_queries(client, django_assert_num_queries):
    _publications(1)
    report = make_report(
        authors=[make_author(), make_author()],
        tags=["A", "B", "C"],
        summary_points=["One", "Two", "Three"],
    )
    # The item; its authors; its topics; its summary points.
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/publications/{report.slug}/")
    assert response.json()["summary_points"] == ["One", "Two", "Three"]


@pytest.mark.parametrize(
    "url", ["/api/v1/authors/", "/api/v1/series/", "/api/v1/topics/"]
)
def test_counted_lists_are_remembered_until_content_changes(
    client, django_assert_num_queries, url
):
    _publications(3)
    first = client.get(url).json()
    # Only the content version is read.
    with django_assert_num_queries(1):
        assert client.get(url).json() == first
    make_report(
        authors=[make_author(name="Newcomer")], tags=["Fresh"], series=make_series()
    )
    assert client.get(url).json() != first
