"""Stored related items: ranked once, then kept equal to a fresh ranking."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.derived.drain import drain
from publications.derived.related import rank_missing
from publications.models import DrainMark, Publication, PublicationChange, RelatedItem
from publications.related import ranked_related
from tests.factories import ago, make_author, make_related, make_report, pin

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def related_count(settings):
    settings.FOLIO_RELATED_COUNT = LIMIT


def stored(publication):
    return list(
        RelatedItem.objects.filter(source_id=publication.pk)
        .order_by("position")
        .values_list("target_id", flat=True)
    )


def brute_force(source):
    """Rank every live item by the rule, in Python: the reference."""
    own = set(source.tags.values_list("pk", flat=True))
    pins = set(source.pins.values_list("target_id", flat=True))
    scored = []
    for item in Publication.objects.live().prefetch_related("tags"):
        shared = len(own & {tag.pk for tag in item.tags.all()})
        if item.pk != source.pk and item.pk not in pins and shared:
            scored.append((-shared, -item.publish_at.timestamp(), -item.pk))
    return [-key[2] for key in sorted(scored)][:LIMIT]


def assert_every_list_matches_a_fresh_ranking():
    for publication in Publication.objects.live():
        assert stored(publication) == brute_force(publication), publication.title
    hidden = Publication.objects.exclude(pk__in=Publication.objects.live())
    assert not RelatedItem.objects.filter(target__in=hidden).exists()
    assert not RelatedItem.objects.filter(source_id__in=hidden.values("pk")).exists()


def test_drained_changes_keep_every_list_equal_to_a_fresh_ranking():
    source = make_report(title="Source", tags=["a", "b", "c", "d"])
    older = make_report(title="Older", tags=["a", "b", "c"], publish_at=ago(30))
    make_related(title="Two", tags=["a", "b"], publish_at=ago(20))
    for n in range(4):
        make_report(title=f"One {n}", tags=["a", "z"], publish_at=ago(10 + n))
    pinned = make_report(title="Pinned", tags=["a", "b", "c", "d"])
    pin(source, pinned)
    rank_missing()
    drain()
    assert_every_list_matches_a_fresh_ranking()

    # A new item enters the lists it ranks into; a draft, a scheduled and a
    # withdrawn item sharing every tag never do.
    make_report(title="New", tags=["a", "b", "c"], publish_at=ago(1))
    make_report(title="Draft", tags=["a", "b", "c", "d"], published=False)
    make_report(title="Later", tags=["a", "b", "c", "d"], publish_at=ago(-2))
    make_report(
        title="Gone", tags=["a", "b", "c", "d"], publish_at=ago(9), unpublish_at=ago(1)
    )
    drain()
    assert_every_list_matches_a_fresh_ranking()

    # An item in lists is withdrawn, another loses tags, a pin goes.
    older.unpublish_at = ago(0.5)
    older.save()
    Publication.objects.get(title="Two").tags.remove("b")
    source.pins.all().delete()
    drain()
    assert_every_list_matches_a_fresh_ranking()
    assert not PublicationChange.objects.filter(is_drained=False).exists()


def test_an_item_going_live_at_its_moment_enters_lists_at_the_next_drain():
    source = make_report(title="Source", tags=["a", "b"])
    make_report(title="Other", tags=["a"])
    rank_missing()
    drain()
    # Scheduled a moment ago, with no save since: only the clock changed.
    scheduled = make_report(title="Scheduled", tags=["a", "b"], publish_at=ago(-1))
    drain()
    Publication.objects.filter(pk=scheduled.pk).update(publish_at=ago(0.001))
    DrainMark.objects.update(drained_at=ago(0.01))

    drain()

    assert stored(source)[0] == scheduled.pk
    assert_every_list_matches_a_fresh_ranking()


def test_a_list_never_stored_is_ranked_and_stored_when_first_read(client):
    source = make_report(title="Source", tags=["a", "b"])
    make_report(title="Other", tags=["a"])

    client.get(source.get_absolute_url())

    assert stored(source) == brute_force(source)


def test_ranking_helper_leaves_out_the_item_itself_and_its_pins():
    source = make_report(title="Source", tags=["a"])
    pinned = make_report(title="Pinned", tags=["a"])
    other = make_report(title="Other", tags=["a"])
    pin(source, pinned)

    assert [row[0] for row in ranked_related(source, limit=5)] == [other.pk]


def _report_page_queries(client, *, size):
    tags = [f"topic {n}" for n in range(size)]
    authors = [
        make_author(name=f"Author {n}", slug=f"author-{size}-{n}") for n in range(size)
    ]
    source = make_report(title="Source", tags=tags, authors=authors)
    for n in range(size):
        make_report(title=f"Related {n}", tags=tags[: n + 1], authors=authors[:2])
    url = source.get_absolute_url()
    client.get(url)  # ranks and stores the list
    drain()  # may move the content version on: the next view warms parts again
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_report_page_queries_do_not_grow_with_authors_topics_or_related_items(
    client, settings
):
    settings.FOLIO_PAGE_CACHE_SECONDS = 0

    few = _report_page_queries(client, size=2)
    Publication.objects.all().delete()
    many = _report_page_queries(client, size=12)

    assert few == many
