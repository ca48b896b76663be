"""Related publications: pins first, then shared topics, newest, highest id."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.related import related_publications
from tests.factories import ago, make_related, make_report, pin

pytestmark = pytest.mark.django_db


def titles(publications):
    return [publication.title for publication in publications]


class TestRelatedPublications:
    def test_ranks_by_shared_tags_then_newest_then_highest_id(self):
        source = make_report(title="Source", tags=["a", "b", "c"])
        make_report(title="One shared, newest", tags=["a"], publish_at=ago(1))
        make_related(
            title="Three shared", tags=["a", "b", "c", "z"], publish_at=ago(30)
        )
        make_report(title="Two shared, older", tags=["a", "b"], publish_at=ago(20))
        make_report(title="Two shared, newer", tags=["b", "c"], publish_at=ago(10))

        related = related_publications(source, limit=10)

        assert titles(related) == [
            "Three shared",
            "Two shared, newer",
            "Two shared, older",
            "One shared, newest",
        ]
        assert [item.shared_tags for item in related] == [3, 2, 2, 1]

    def test_breaks_full_ties_by_highest_id(self):
        moment = ago(3)
        source = make_report(tags=["a"])
        first = make_report(title="First", tags=["a"], publish_at=moment)
        second = make_report(title="Second", tags=["a"], publish_at=moment)
        assert second.pk > first.pk

        assert titles(related_publications(source)) == ["Second", "First"]

    def test_puts_live_pins_first_in_pinned_order(self):
        source = make_report(tags=["a", "b"])
        make_report(title="Shares two", tags=["a", "b"])
        unrelated = make_report(title="Pinned, no tag", tags=["x"])
        sharing = make_related(title="Pinned, shares one", tags=["a"])
        pin(source, unrelated, sharing)

        assert titles(related_publications(source, limit=5)) == [
            "Pinned, no tag",
            "Pinned, shares one",
            "Shares two",
        ]

    def test_skips_pins_that_are_not_live(self):
        source = make_report(tags=["a"])
        draft = make_report(title="Draft pin", published=False)
        scheduled = make_report(title="Scheduled pin", publish_at=ago(-2))
        expired = make_report(
            title="Expired pin", publish_at=ago(10), unpublish_at=ago(1)
        )
        live = make_report(title="Live pin")
        pin(source, draft, scheduled, expired, live)

        assert titles(related_publications(source)) == ["Live pin"]

    def test_leaves_out_drafts_scheduled_and_expired_items_sharing_tags(self):
        source = make_report(tags=["a"])
        make_report(title="Draft", tags=["a"], published=False)
        make_related(title="Scheduled", tags=["a"], publish_at=ago(-1))
        make_report(title="Expired", tags=["a"], publish_at=ago(9), unpublish_at=ago(1))
        make_related(title="Live", tags=["a"])

        assert titles(related_publications(source)) == ["Live"]

    def test_never_includes_the_publication_itself_even_when_pinned_to_others(self):
        source = make_report(title="Source", tags=["a"])
        other = make_report(title="Other", tags=["a"])
        pin(other, source)

        assert titles(related_publications(source)) == ["Other"]
        assert titles(related_publications(other)) == ["Source"]

    def test_lists_a_pinned_item_sharing_tags_once(self):
        source = make_report(tags=["a", "b"])
        both = make_report(title="Pinned and sharing", tags=["a", "b"])
        make_report(title="Sharing", tags=["a"])
        pin(source, both)

        assert titles(related_publications(source, limit=5)) == [
            "Pinned and sharing",
            "Sharing",
        ]

    def test_stops_at_the_limit_including_pins(self):
        source = make_report(tags=["a"])
        pins = [make_report(title=f"Pin {n}") for n in range(2)]
        pin(source, *pins)
        for n in range(4):
            make_report(title=f"Tagged {n}", tags=["a"], publish_at=ago(n + 1))

        assert titles(related_publications(source, limit=3)) == [
            "Pin 0",
            "Pin 1",
            "Tagged 0",
        ]
        assert titles(related_publications(source, limit=1)) == ["Pin 0"]
        assert titles(related_publications(source, limit=0)) == []

    def test_reads_the_limit_from_settings_by_default(self, settings):
        source = make_report(tags=["a"])
        for n in range(5):
            make_report(tags=["a"], title=f"Tagged {n}")

        settings.FOLIO_RELATED_COUNT = 2
        assert len(related_publications(source)) == 2
        settings.FOLIO_RELATED_COUNT = 4
        assert len(related_publications(source)) == 4

    def test_shows_fewer_items_rather_than_unrelated_ones(self):
        source = make_report(tags=["a"])
        make_report(title="Only match", tags=["a"])
        make_report(title="Unrelated", tags=["b"])
        make_report(title="No tags")

        assert titles(related_publications(source, limit=3)) == ["Only match"]

    def test_is_empty_without_tags_or_pins(self):
        source = make_report()
        make_report(title="Other", tags=["a"])

        assert titles(related_publications(source)) == []

    @pytest.mark.parametrize("size", [1, 10, 30])
    def test_query_count_is_bounded_whatever_the_number_of_tags_and_candidates(
        self, size
    ):
        tags = [f"tag {n}" for n in range(size)]
        source = make_report(tags=tags)
        for n in range(size):
            make_report(tags=tags[: n + 1])
            make_related(tags=tags[n:])
        pin(source, *[make_report() for _ in range(size)])

        with CaptureQueriesContext(connection) as queries:
            related = list(related_publications(source, limit=size * 3 + 1))

        # Ranked afresh (a longer list than is stored): pins, own tags, at
        # most five rare-tag passes, the grouped pass and the rows.
        assert len(queries) <= 9
        assert len(related) == size * 3

    @pytest.mark.parametrize("size", [1, 10, 30])
    def test_stored_list_reads_in_few_queries_whatever_the_tags_and_items(
        self, size, settings
    ):
        settings.FOLIO_RELATED_COUNT = 3
        tags = [f"tag {n}" for n in range(size)]
        source = make_report(tags=tags)
        for n in range(size):
            make_report(tags=tags[: n + 1])
            make_related(tags=tags[n:])
        first = [item.pk for item in related_publications(source)]

        with CaptureQueriesContext(connection) as queries:
            again = [item.pk for item in related_publications(source)]

        # Pins, the stored list (and its mark, if shorter than the limit),
        # the rows.
        assert len(queries) == (3 if size > 1 else 4)
        assert again == first == _brute_force_related(source, 3)


def _brute_force_related(source, limit):
    """Rank every live item by the rule, in Python: the reference."""
    from publications.models import Publication

    own = set(source.tags.values_list("pk", flat=True))
    pins = list(
        source.pins.order_by("position", "pk").values_list("target_id", flat=True)
    )
    live = {p.pk: p for p in Publication.objects.live().prefetch_related("tags")}
    pinned = [pk for pk in pins if pk in live]
    scored = []
    for pk, item in live.items():
        shared = len(own & {tag.pk for tag in item.tags.all()})
        if pk != source.pk and pk not in pins and shared:
            scored.append((-shared, -item.publish_at.timestamp(), -pk))
    ranked = pinned + [-key[2] for key in sorted(scored)]
    return ranked[:limit]


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 8, 20])
def test_ranking_matches_a_brute_force_count_over_every_item(limit):
    source = make_report(title="Source", tags=["a", "b", "c", "d", "rare"])
    make_report(title="Four, old", tags=["a", "b", "c", "rare"], publish_at=ago(40))
    make_report(title="Three, new", tags=["a", "b", "rare"], publish_at=ago(2))
    make_report(title="Three, old", tags=["a", "c", "d"], publish_at=ago(30))
    make_related(title="Two", tags=["a", "b"], publish_at=ago(1))
    for n in range(6):
        make_report(title=f"One {n}", tags=["a"], publish_at=ago(10 + n))
    make_report(title="Draft, five", tags=["a", "b", "c", "d"], published=False)
    make_report(title="Unrelated", tags=["z"])
    pin(
        source,
        make_report(title="Pinned", tags=["z"]),
        make_report(title="Pinned draft", published=False),
        make_report(title="Pinned and sharing", tags=["a", "b", "c", "d"]),
    )

    related = related_publications(source, limit=limit)

    assert [item.pk for item in related] == _brute_force_related(source, limit)
