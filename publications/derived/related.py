"""Each live publication's ranked related items, stored and kept current.

Ranking an item's related items reads tag rows of every item sharing its
rarest topics: 20 to 200 ms at 100,000 publications. Done per reader, and
again after every change anywhere (when the content version moves on),
it was most of a report page's cost. Here a list is ranked once (the
first time it is asked for, or by `update_related_items`) and then
changed only when an item that is in it, or could enter it, changes:
that is worked out when the change queue is drained (drain.py).
"""

import hashlib

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, FilteredRelation, Q

from publications.derived.ranking import rank_lists
from publications.models import (
    DrainMark,
    PinnedPublication,
    Publication,
    RelatedItem,
    RelatedList,
    TaggedPublication,
)
from publications.querysets import live_condition
from publications.related import ranked_related

# The DrainMark row the drain (drain.py) holds while it writes lists.
MARK = "related"
# One list ranked alone costs 20 to 500 ms at 100,000 publications; all of
# them together a few seconds (publications.derived.ranking).
RANK_TOGETHER_ABOVE = 30


def stored_related_ids(publication, *, now=None):
    """Return the stored ranked related ids of *publication* still live, in order.

    A list never stored is ranked now and stored. An item stored but no
    longer live (its unpublish moment passed before the queue was drained)
    is left out.
    """
    ids = list(
        RelatedItem.objects.filter(live_condition("target", now=now))
        .filter(source_id=publication.pk)
        .order_by("position")
        .values_list("target_id", flat=True)
    )
    limit = settings.FOLIO_RELATED_COUNT
    if len(ids) >= limit:
        return ids
    ranked_for = (
        RelatedList.objects.filter(pk=publication.pk)
        .values_list("ranked_for", flat=True)
        .first()
    )
    if ranked_for is not None and ranked_for >= limit:
        return ids
    ranked = _ranked(publication, now=now)
    if publication.is_live(now=now):
        _store(publication.pk, ranked, replace=ranked_for is not None)
    return [row[0] for row in ranked]


def update_related(changed_ids, *, now=None):
    """Bring the stored lists in line after publications *changed_ids* changed.

    Each changed item's own list is ranked afresh (or dropped if it is not
    live); so is every list it was in. A live changed item then enters the
    lists it now ranks into, found from the stored lists' last entries.
    Returns the ids of the items whose lists now hold other items, or the
    same in another order.
    """
    changed = set(changed_ids)
    if not changed:
        return set()
    live = set(
        Publication.objects.live(now=now)
        .filter(pk__in=changed)
        .values_list("pk", flat=True)
    )
    # Read before any ranking: a change committed meanwhile then leaves
    # the stored digest behind, and the next drain applies it.
    inputs = ranking_inputs(live)
    settled = _settled(inputs)
    changed -= settled
    live -= settled
    if not changed:
        return set()
    holders = set(
        RelatedItem.objects.filter(target_id__in=changed).values_list(
            "source_id", flat=True
        )
    )
    RelatedList.objects.filter(pk__in=set(changed) - live).delete()
    rerank = (holders | (set(changed) & live)) - (set(changed) - live)
    rerank = set(
        Publication.objects.live(now=now)
        .filter(pk__in=rerank)
        .values_list("pk", flat=True)
    )
    stale = holders - rerank
    RelatedList.objects.filter(pk__in=stale).delete()
    before = _stored_ids(rerank)
    if len(rerank) > RANK_TOGETHER_ABOVE:
        ranked_lists = rank_lists(
            limit=settings.FOLIO_RELATED_COUNT, sources=rerank, now=now
        )
        _store_many(ranked_lists)
    else:
        ranked_lists = {}
        for publication in Publication.objects.filter(pk__in=rerank).only("pk"):
            ranked_lists[publication.pk] = _ranked(publication, now=now)
            _store(publication.pk, ranked_lists[publication.pk], replace=True)
    written = set()
    for pk, ranked in ranked_lists.items():
        # A page shows its list's items in order, each from a card kept by
        # the item's own key: only a list whose items or order changed
        # changes its page.
        if [row[0] for row in ranked] != before.get(pk, []):
            written.add(pk)
    for pk in sorted(live):
        written |= _enter(pk, skip=rerank, now=now)
    for pk in live:
        RelatedList.objects.filter(pk=pk).update(inputs=inputs[pk])
    return written


def ranking_inputs(ids=None):
    """Return {id: digest of what its related rankings depend on} for *ids*.

    Its publish moment and topics (its place in other items' lists) and
    its pins (its own list). None: every publication.
    """
    rows = Publication.objects.all()
    tags = TaggedPublication.objects.all()
    pins = PinnedPublication.objects.all()
    if ids is not None:
        ids = sorted(ids)
        rows, tags = rows.filter(pk__in=ids), tags.filter(content_object_id__in=ids)
        pins = pins.filter(source_id__in=ids)
    topics_of, pinned = {}, {}
    for pk, tag_id in tags.values_list("content_object_id", "tag_id").iterator(
        chunk_size=20_000
    ):
        topics_of.setdefault(pk, []).append(tag_id)
    for source, target in pins.values_list("source_id", "target_id"):
        pinned.setdefault(source, []).append(target)
    digests = {}
    for pk, publish_at in rows.values_list("pk", "publish_at").iterator(
        chunk_size=20_000
    ):
        text = "|".join(
            (
                publish_at.isoformat() if publish_at else "",
                ",".join(map(str, sorted(topics_of.get(pk, ())))),
                ",".join(map(str, sorted(pinned.get(pk, ())))),
            )
        )
        digests[pk] = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
    return digests


def _settled(inputs):
    """Return the ids in *inputs* whose stored lists already reflect them."""
    rows = RelatedList.objects.filter(
        pk__in=inputs, ranked_for__gte=settings.FOLIO_RELATED_COUNT
    ).values_list("pk", "inputs")
    return {pk for pk, digest in rows if digest and digest == inputs[pk]}


def _stored_ids(sources):
    """Return {source id: its stored related ids in order} for *sources*.

    None: every stored list (an empty list counts: it is stored).
    """
    rows = RelatedItem.objects.order_by("source_id", "position")
    if sources is None:
        stored = {pk: [] for pk in RelatedList.objects.values_list("pk", flat=True)}
        parts = [rows]
    else:
        stored = {}
        parts = [rows.filter(source_id__in=part) for part in _chunks(sources)]
    for part in parts:
        pairs = part.values_list("source_id", "target_id")
        for source, target in pairs.iterator(chunk_size=20_000):
            stored.setdefault(source, []).append(target)
    return stored


def _chunks(ids):
    """Yield *ids* sorted, in lists short enough for one statement's
    parameters: SQLite caps them (32,766 by default), PostgreSQL does not."""
    size = min(2_000, (connection.features.max_query_params or 4_000) // 2)
    ids = sorted(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _ranked(publication, *, now):
    return ranked_related(publication, limit=settings.FOLIO_RELATED_COUNT, now=now)


def _enter(pk, *, skip, now):
    """Put live item *pk* into every stored list it now ranks into.

    A list ranks the best FOLIO_RELATED_COUNT items; one that is full
    takes *pk* only if it shares more tags than the list's last item, or
    as many and is newer. Lists in *skip* were just ranked afresh.
    """
    limit = settings.FOLIO_RELATED_COUNT
    item = Publication.objects.filter(pk=pk).values_list("publish_at", flat=True)
    publish_at = item.first()
    own = TaggedPublication.objects.filter(content_object_id=pk).values("tag_id")
    # Every stored list sharing a topic with the item, with its last place
    # joined (none if the list is not full) and compared in the database:
    # tens of thousands of lists share a popular topic.
    candidates = (
        RelatedList.objects.filter(publication__tags__in=own)
        .filter(live_condition("publication", now=now))
        .exclude(pk=pk)
        .exclude(
            pk__in=PinnedPublication.objects.filter(target_id=pk).values("source_id")
        )
        .exclude(pk__in=RelatedItem.objects.filter(target_id=pk).values("source_id"))
        .annotate(
            last=FilteredRelation("items", condition=Q(items__position=limit - 1))
        )
        .values("pk", "last__shared", "last__target_publish_at", "last__target_id")
        .annotate(shared=Count("*"))
        .filter(
            Q(last__target_id__isnull=True)
            | Q(shared__gt=F("last__shared"))
            | Q(shared=F("last__shared"), last__target_publish_at__lt=publish_at)
            | Q(
                shared=F("last__shared"),
                last__target_publish_at=publish_at,
                last__target_id__lt=pk,
            )
        )
        .values_list("pk", "shared")
    )
    entering = {source: shared for source, shared in candidates if source not in skip}
    lists = {source: [] for source in entering}
    for part in _chunks(entering):
        held = (
            RelatedItem.objects.filter(source_id__in=part)
            .order_by("source_id", "position")
            .values_list("source_id", "target_id", "shared", "target_publish_at")
        )
        for source, *row in held:
            lists[source].append(tuple(row))
    for source, rows in lists.items():
        rows.append((pk, entering[source], publish_at))
        rows.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)
        del rows[limit:]
    _store_many(lists)
    return set(lists)


def _store(source_id, ranked, *, replace):
    """Store *ranked* (id, shared, publish_at) rows as *source_id*'s list."""
    try:
        with transaction.atomic():
            ranked_for = settings.FOLIO_RELATED_COUNT
            RelatedList.objects.bulk_create(
                [RelatedList(publication_id=source_id, ranked_for=ranked_for)],
                ignore_conflicts=True,
            )
            RelatedList.objects.filter(pk=source_id).update(ranked_for=ranked_for)
            if replace:
                RelatedItem.objects.filter(source_id=source_id).delete()
            RelatedItem.objects.bulk_create(_items(source_id, ranked))
    except IntegrityError:
        # Another reader stored it first (or the item is gone): theirs stands.
        pass


def rank_missing(*, limit=None, dry_run=False):
    """Rank and store the lists of live items that have none, newest first.

    Returns how many were ranked (with *dry_run*, how many have none).
    Ranked together in memory (publications.derived.ranking): seconds for
    a whole site, where one at a time takes a tenth of a second each.
    """
    missing = (
        Publication.objects.live()
        .exclude(pk__in=RelatedList.objects.values("pk"))
        .order_by("-publish_at", "-pk")
        .values_list("pk", flat=True)
    )
    if dry_run:
        return missing.count()
    if limit is not None:
        missing = missing[:limit]
    ranked = rank_lists(limit=settings.FOLIO_RELATED_COUNT, sources=list(missing))
    _store_many(ranked)
    return len(ranked)


def rank_all():
    """Rank and store every live item's list afresh; return how many.

    Holds the drain's mark meanwhile, so no drain writes between the read
    and the write; the digests are read first (see update_related), and
    changes committed meanwhile stay queued for the next drain. Pages
    whose stored list now differs are purged, as after a drain.
    """
    from publications.caching.surrogates import publication_key
    from publications.caching.versions import public_content_changed

    with transaction.atomic():
        DrainMark.objects.get_or_create(name=MARK)
        DrainMark.objects.select_for_update().get(name=MARK)
        live = Publication.objects.live()
        inputs = ranking_inputs()
        ranked = rank_lists(limit=settings.FOLIO_RELATED_COUNT)
        before = _stored_ids(None)
        RelatedList.objects.exclude(pk__in=live.values("pk")).delete()
        _store_many(ranked, inputs=inputs)
        # A list never stored was ranked per reader, as now: its page holds.
        changed = {
            pk
            for pk, rows in ranked.items()
            if pk in before and [row[0] for row in rows] != before[pk]
        }
        if changed:
            public_content_changed(purge_keys={publication_key(pk) for pk in changed})
    return len(ranked)


def _store_many(ranked, *, inputs=None):
    """Store {source id: ranked rows}, replacing what each source had."""
    for part in _chunks(ranked):
        for attempt in range(3):
            try:
                with transaction.atomic():
                    _write_lists(part, ranked, inputs)
                break
            except IntegrityError:
                # A reader stored one of these lists meanwhile: write again.
                if attempt == 2:
                    raise


def _write_lists(sources, ranked, inputs):
    ranked_for = settings.FOLIO_RELATED_COUNT
    RelatedItem.objects.filter(source_id__in=sources).delete()
    fields = ["ranked_for", "inputs"] if inputs is not None else ["ranked_for"]
    RelatedList.objects.bulk_create(
        [
            RelatedList(
                publication_id=source,
                ranked_for=ranked_for,
                inputs=inputs.get(source, "") if inputs is not None else "",
            )
            for source in sources
        ],
        update_conflicts=True,
        unique_fields=["publication"],
        update_fields=fields,
    )
    RelatedItem.objects.bulk_create(
        [item for source in sources for item in _items(source, ranked[source])],
        batch_size=5_000,
    )


def _items(source_id, ranked):
    """Return the RelatedItem rows of *ranked* (id, shared, publish_at) rows."""
    return [
        RelatedItem(
            source_id=source_id,
            target_id=target,
            position=position,
            shared=shared,
            target_publish_at=publish_at,
        )
        for position, (target, shared, publish_at) in enumerate(ranked)
    ]
