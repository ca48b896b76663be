"""Each live publication's ranked related items, stored and kept current.

Ranking an item's related items reads tag rows of every item sharing its
rarest topics: 20 to 200 ms at 100,000 publications. Done per reader, and
again after every change anywhere (when the content version moves on),
it was most of a report page's cost. Here a list is ranked once (the
first time it is asked for, or by `update_related_items`) and then
changed only when an item that is in it, or could enter it, changes:
that is worked out when the change queue is drained (drain.py).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery

from publications.models import (
    PinnedPublication,
    Publication,
    RelatedItem,
    RelatedList,
    TaggedPublication,
)
from publications.querysets import live_condition
from publications.related import ranked_related


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
    changed = sorted(set(changed_ids))
    if not changed:
        return set()
    live = set(
        Publication.objects.live(now=now)
        .filter(pk__in=changed)
        .values_list("pk", flat=True)
    )
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
    written = set()
    for publication in Publication.objects.filter(pk__in=rerank).only("pk"):
        ranked = _ranked(publication, now=now)
        _store(publication.pk, ranked, replace=True)
        # A page shows its list's items in order, each from a card kept by
        # the item's own key: only a list whose items or order changed
        # changes its page.
        if [row[0] for row in ranked] != before.get(publication.pk, []):
            written.add(publication.pk)
    for pk in sorted(live):
        written |= _enter(pk, skip=rerank, now=now)
    return written


def _stored_ids(sources):
    """Return {source id: its stored related ids in order} for *sources*."""
    stored = {}
    rows = (
        RelatedItem.objects.filter(source_id__in=sources)
        .order_by("source_id", "position")
        .values_list("source_id", "target_id")
    )
    for source, target in rows:
        stored.setdefault(source, []).append(target)
    return stored


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
    last = RelatedItem.objects.filter(source_id=OuterRef("content_object_id"))
    candidates = (
        TaggedPublication.objects.filter(tag_id__in=own)
        .filter(live_condition("content_object", now=now))
        .filter(content_object_id__in=RelatedList.objects.values("pk"))
        .exclude(content_object_id=pk)
        .exclude(
            content_object_id__in=PinnedPublication.objects.filter(target_id=pk).values(
                "source_id"
            )
        )
        .exclude(
            content_object_id__in=RelatedItem.objects.filter(target_id=pk).values(
                "source_id"
            )
        )
        .values("content_object_id")
        .annotate(
            shared=Count("*"),
            held=Subquery(
                last.order_by().values("source_id").annotate(n=Count("*")).values("n")
            ),
            last_shared=Subquery(last.order_by("-position").values("shared")[:1]),
            last_publish_at=Subquery(
                last.order_by("-position").values("target_publish_at")[:1]
            ),
            last_target=Subquery(last.order_by("-position").values("target_id")[:1]),
        )
        .values_list(
            "content_object_id",
            "shared",
            "held",
            "last_shared",
            "last_publish_at",
            "last_target",
        )
    )
    written = set()
    for source, shared, held, last_shared, last_at, last_target in candidates:
        if source in skip:
            continue
        if (
            held
            and held >= limit
            and (shared, publish_at, pk)
            <= (
                last_shared,
                last_at,
                last_target,
            )
        ):
            continue
        rows = list(
            RelatedItem.objects.filter(source_id=source)
            .order_by("position")
            .values_list("target_id", "shared", "target_publish_at")
        )
        rows.append((pk, shared, publish_at))
        rows.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)
        _store(source, rows[:limit], replace=True)
        written.add(source)
    return written


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
            RelatedItem.objects.bulk_create(
                [
                    RelatedItem(
                        source_id=source_id,
                        target_id=target,
                        position=position,
                        shared=shared,
                        target_publish_at=publish_at,
                    )
                    for position, (target, shared, publish_at) in enumerate(ranked)
                ]
            )
    except IntegrityError:
        # Another reader stored it first (or the item is gone): theirs stands.
        pass


def rank_missing(*, limit=None, dry_run=False):
    """Rank and store the lists of live items that have none, newest first.

    Returns how many were ranked (with *dry_run*, how many have none).
    """
    missing = (
        Publication.objects.live()
        .exclude(pk__in=RelatedList.objects.values("pk"))
        .order_by("-publish_at", "-pk")
        .only("pk")
    )
    if dry_run:
        return missing.count()
    if limit is not None:
        missing = missing[:limit]
    ranked = 0
    for publication in missing.iterator(chunk_size=500):
        _store(publication.pk, _ranked(publication, now=None), replace=True)
        ranked += 1
    return ranked
