"""Cached pages, related items, filter options and counts follow topic changes
at once: a rename, a merge or a bulk change moves the content version on.

Run this module with DATABASE_URL set to a PostgreSQL database too.
"""

import pytest
from taggit.models import Tag

from publications.models import Publication
from publications.topics import add_topic, merge_topics, rename_topic
from tests.factories import make_related, make_report, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(shared_cache, client):
    """Two live reports on one topic and an item on another, all pages warm."""
    first = make_report(title="First", tags=["Middle-East"])
    make_report(title="Second", tags=["Middle-East"])
    make_related(title="Third", tags=["MENA"])
    pages = ["/publications/", first.get_absolute_url(), "/topics/", "/topics/mena/"]
    for path in pages:
        client.get(path)
        assert client.get(path)["X-Cache"] == "hit", path
    return {"first": first, "editor": make_user(role="Editors")}


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["X-Cache"] == "miss", path
    return response.content.decode()


def test_a_renamed_topic_shows_everywhere_at_once(client, site):
    rename_topic(
        Tag.objects.get(name="Middle-East"),
        name="Middle East",
        slug="middle-east-region",
        user=site["editor"],
    )

    listing = page(client, "/publications/")
    assert '<option value="middle-east-region">Middle East (2)</option>' in listing
    assert "Middle-East" not in listing
    report = page(client, site["first"].get_absolute_url())
    # The topics section and the related box (Second) link the new address.
    assert report.count('href="/topics/middle-east-region/"') == 2
    assert "/topics/middle-east/" not in report
    assert "Middle East" in page(client, "/topics/")
    topic_page = page(client, "/topics/middle-east-region/")
    assert "First" in topic_page and "Second" in topic_page


def test_a_merge_shows_in_related_items_counts_and_filters_at_once(
    client, site, committed
):
    # Related lists follow once the change commits (publications.derived).
    with committed():
        merge_topics(
            [Tag.objects.get(name="MENA")],
            Tag.objects.get(name="Middle-East"),
            user=site["editor"],
        )

    listing = page(client, "/publications/")
    assert '<option value="middle-east">Middle-East (3)</option>' in listing
    assert 'value="mena"' not in listing
    # Third now shares the topic, so the first report relates to it.
    assert "Third" in page(client, site["first"].get_absolute_url())
    assert client.get("/topics/mena/")["Location"] == "/topics/middle-east/"
    assert "MENA" not in page(client, "/topics/")


def test_a_topic_added_to_many_items_shows_at_once(client, site):
    add_topic(
        Publication.objects.filter(title__in=["Second", "Third"]),
        Tag.objects.create(name="Water"),
        user=site["editor"],
    )

    assert '<option value="water">Water (2)</option>' in page(client, "/publications/")
    assert "Water" in page(client, "/topics/")
