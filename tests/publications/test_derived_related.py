"""Stored related items: ranked once, then kept equal to a fresh ranking."""

import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.caching.versions import changed_since, content_version
from publications.derived import related as derived_related
from publications.derived.drain import drain
from publications.derived.ranking import rank_lists
from publications.derived.related import rank_all, rank_missing, update_related
from publications.models import (
    DrainMark,
    Publication,
    PublicationChange,
    RelatedItem,
    RelatedList,
)
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


@pytest.mark.parametrize(
    ("rank_first", "together_above"),
    [(rank_missing, 30), (rank_all, 30), (rank_all, 0)],
    ids=["missing-ranked-alone", "all-ranked-alone", "all-ranked-together"],
)
def test_drained_changes_keep_every_list_equal_to_a_fresh_ranking(
    rank_first, together_above, monkeypatch
):
    """Whether lists start ranked one by one or all together (with the
    digests of their inputs), and whether the drain ranks lists alone or
    together, every change leaves every list as a fresh ranking has it."""
    monkeypatch.setattr(derived_related, "RANK_TOGETHER_ABOVE", together_above)
    source = make_report(title="Source", tags=["a", "b", "c", "d"])
    older = make_report(title="Older", tags=["a", "b", "c"], publish_at=ago(30))
    make_related(title="Two", tags=["a", "b"], publish_at=ago(20))
    for n in range(4):
        make_report(title=f"One {n}", tags=["a", "z"], publish_at=ago(10 + n))
    pinned = make_report(title="Pinned", tags=["a", "b", "c", "d"])
    pin(source, pinned)
    rank_first()
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

    # A move of publish moment changes its place in every list it is in.
    new = Publication.objects.get(title="New")
    new.publish_at = ago(40)
    new.save()
    Publication.objects.get(title="One 2").tags.add("b", "c")
    drain()
    assert_every_list_matches_a_fresh_ranking()
    assert not PublicationChange.objects.filter(is_drained=False).exists()


def _random_site(seed):
    """Items with random topics, shared publish moments, pins, and items
    that are drafts, scheduled or withdrawn: every case of the ranking."""
    rng = random.Random(seed)
    moments = [ago(day) for day in (1, 2, 2, 3, 5, 5, 5, 8)]
    items = []
    for n in range(36):
        state = rng.choice(["live"] * 6 + ["draft", "scheduled", "withdrawn"])
        kwargs = {"publish_at": rng.choice(moments)}
        if state == "draft":
            kwargs["published"] = False
        elif state == "scheduled":
            kwargs["publish_at"] = ago(-3)
        elif state == "withdrawn":
            kwargs["unpublish_at"] = ago(0.5)
        tags = rng.sample("abcdefg", rng.randint(0, 5))
        maker = make_report if n % 2 else make_related
        items.append(maker(title=f"Item {n}", tags=tags, **kwargs))
    for _ in range(8):
        source, target = rng.sample(items, 2)
        source.pins.get_or_create(target=target, defaults={"position": 0})
    return items


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ranking_all_lists_together_matches_ranking_each_alone(seed):
    _random_site(seed)

    together = rank_lists(limit=LIMIT)

    live = list(Publication.objects.live())
    assert sorted(together) == sorted(item.pk for item in live)
    for item in live:
        alone = [tuple(row) for row in ranked_related(item, limit=LIMIT)]
        assert together[item.pk] == alone, item.title
        assert [row[0] for row in alone] == brute_force(item), item.title


def test_ranking_together_for_some_items_ranks_only_those_that_are_live():
    items = _random_site(4)
    live = set(Publication.objects.live().values_list("pk", flat=True))

    ranked = rank_lists(limit=LIMIT, sources=[item.pk for item in items[:10]])

    assert set(ranked) == {item.pk for item in items[:10]} & live


def test_an_edit_that_leaves_topics_moment_and_pins_alone_ranks_no_list():
    source = make_report(title="Source", tags=["a", "b"])
    other = make_report(title="Other", tags=["a", "b"])
    make_report(title="Third", tags=["a"])
    rank_all()
    other.title = "Other, retitled"
    other.teaser = "New teaser"
    other.save()

    with CaptureQueriesContext(connection) as queries:
        written = update_related([other.pk, source.pk])

    assert written == set()
    sql = " ".join(query["sql"] for query in queries).lower()
    assert "publications_taggedpublication" in sql  # the digest was read
    assert 'insert into "publications_relateditem"' not in sql
    assert 'delete from "publications_relateditem"' not in sql
    assert len(queries) <= 5
    assert_every_list_matches_a_fresh_ranking()


def test_an_edit_of_topics_after_ranking_together_is_still_applied():
    source = make_report(title="Source", tags=["a", "b"])
    other = make_report(title="Other", tags=["c"], publish_at=ago(5))
    make_report(title="Third", tags=["a"])
    rank_all()
    assert other.pk not in stored(source)

    other.tags.add("a", "b")
    written = update_related([other.pk])

    assert stored(source)[0] == other.pk
    assert source.pk in written
    digest = RelatedList.objects.get(pk=other.pk).inputs
    assert digest and digest == derived_related.ranking_inputs([other.pk])[other.pk]
    assert_every_list_matches_a_fresh_ranking()


def test_ranking_all_again_purges_the_pages_whose_list_changed(settings):
    source = make_report(title="Source", tags=["a", "b"])
    make_report(title="Other", tags=["a"])
    rank_all()
    # Topics written around the signals, as a raw import would.
    newer = make_report(title="Newer", tags=[])
    newer.tags.through.objects.bulk_create(
        [newer.tags.through(content_object=newer, tag=tag) for tag in source.tags.all()]
    )
    version = content_version()

    rank_all()

    assert stored(source)[0] == newer.pk
    assert f"publication-{source.pk}" in changed_since(version, most=100)
    assert_every_list_matches_a_fresh_ranking()


def test_update_related_items_command_ranks_missing_or_all_lists():
    make_report(title="Source", tags=["a", "b"])
    make_report(title="Other", tags=["a"])
    out = StringIO()

    call_command("update_related_items", "--dry-run", stdout=out)
    assert "2 live items have no ranked related items." in out.getvalue()
    call_command("update_related_items", stdout=out)
    call_command("update_related_items", "--dry-run", stdout=out)
    assert "0 live items have no ranked related items." in out.getvalue()
    call_command("update_related_items", "--all", stdout=out)
    assert "ranked 2 lists" in out.getvalue()
    assert RelatedList.objects.exclude(inputs="").count() == 2
    assert_every_list_matches_a_fresh_ranking()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--limit", "0"], "--limit must be at least 1."),
        (["--all", "--limit", "5"], "--all ranks every list"),
    ],
)
def test_update_related_items_refuses_arguments_it_cannot_honour(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("update_related_items", *arguments)


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
