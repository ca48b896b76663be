"""Related publications: pinned items first, then items sharing topics."""

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from publications.caching.entries import PRESENT_TOLERANCE_SECONDS
from publications.models import PinnedPublication, Publication, TaggedPublication
from publications.querysets import live_condition


def related_publications(publication, *, limit=None, now=None):
    """Return, as a list, the live items to show as related to *publication*.

    Items pinned by editors come first, in pinned order; then live items
    sharing at least one tag, most shared first, then newest, then highest
    id. *publication* itself is never included and nothing unrelated pads
    the list. The ranked ids are stored and kept current (see
    related_publication_ids()), and the query fetches only those.
    """
    if limit is None:
        limit = settings.FOLIO_RELATED_COUNT
    if limit <= 0:
        return []
    ids = related_publication_ids(publication, limit=limit, now=now)
    return _rows_in_order(publication, ids, now=now)


def related_publication_ids(publication, *, limit=None, now=None, remembered=True):
    """Return the ids of related_publications(), in order.

    The live pins first; then, if *remembered*, the ranked items stored for
    *publication* (RelatedItem rows, kept current by publications.derived
    as content changes), found afresh by reading few tag rows and stored
    the first time they are asked for. A preview (not *remembered*), a
    longer list than is stored, or another moment than now ranks afresh.
    """
    if limit is None:
        limit = settings.FOLIO_RELATED_COUNT
    if limit <= 0:
        return []
    pinned = _live_pins(publication, limit=limit, now=now)
    need = limit - len(pinned)
    if not need:
        return pinned
    if remembered and limit <= settings.FOLIO_RELATED_COUNT and _is_present(now):
        from publications.derived.related import stored_related_ids

        ranked = stored_related_ids(publication, now=now)
    else:
        ranked = [row[0] for row in ranked_related(publication, limit=need, now=now)]
    return pinned + ranked[:need]


def _is_present(now):
    """Return True if *now* is the present: stored lists are ranked for it."""
    if now is None:
        return True
    return abs((timezone.now() - now).total_seconds()) <= PRESENT_TOLERANCE_SECONDS


def _live_pins(publication, *, limit, now):
    pins = PinnedPublication.objects.filter(source_id=publication.pk)
    return list(
        pins.filter(live_condition("target", now=now))
        .order_by("position", "pk")
        .values_list("target_id", flat=True)[:limit]
    )


def _rows_in_order(publication, ids, *, now):
    """Return the live publications *ids*, in that order, with shared_tags."""
    own = TaggedPublication.objects.filter(content_object_id=publication.pk)
    rows = (
        Publication.objects.live(now=now)
        .filter(pk__in=ids)
        .annotate(
            shared_tags=Coalesce(
                _shared_tags(own.values("tag_id"), OuterRef("pk")), Value(0)
            )
        )
        .in_bulk()
    )
    return [rows[pk] for pk in ids if pk in rows]


def ranked_related(publication, *, limit, now=None):
    """Return (id, shared tags, publish_at) of the best *limit* items sharing tags.

    Live items other than *publication* and its pins (live or not), most
    shared tags first, then newest, then highest id; read from few tag rows.
    Counting shared tags for every item that shares one reads most of the
    site when a tag is popular. An item sharing at least k of the n own
    tags carries at least one of any n - k + 1 of them, so, for k from n
    down, only items carrying one of the n - k + 1 rarest own tags are
    counted; once enough of them share k or more, no other item can rank
    higher. A few values of k are tried (see _shared_tag_steps); at k = 1
    every sharing item is counted, in one grouped pass.
    """
    own = _own_tags_rarest_first(publication)
    if limit <= 0 or not own:
        return []
    pins = PinnedPublication.objects.filter(source_id=publication.pk)
    candidates = (
        Publication.objects.live(now=now)
        .exclude(pk=publication.pk)
        .exclude(pk__in=pins.values("target_id"))
    )
    for least in _shared_tag_steps(len(own)):
        rarest = own[: len(own) - least + 1]
        carrying = (
            TaggedPublication.objects.filter(tag_id__in=rarest)
            .annotate(shared=_shared_tags(own, OuterRef("content_object_id")))
            .filter(shared__gte=least)
            .values("content_object_id")
        )
        found = list(
            candidates.filter(pk__in=carrying)
            .annotate(shared=_shared_tags(own, OuterRef("pk")))
            .order_by("-shared", "-publish_at", "-pk")
            .values_list("pk", "shared", "publish_at")[:limit]
        )
        if len(found) == limit:
            return found
    sharing = (
        TaggedPublication.objects.filter(
            live_condition("content_object", now=now), tag_id__in=own
        )
        .exclude(content_object_id=publication.pk)
        .exclude(content_object_id__in=pins.values("target_id"))
        .values("content_object_id", "content_object__publish_at")
        .annotate(shared=Count("*"))
        .order_by("-shared", "-content_object__publish_at", "-content_object_id")
        .values_list("content_object_id", "shared", "content_object__publish_at")
    )
    return list(sharing[:limit])


def _shared_tag_steps(own_count):
    """Return the values of k _related_ids() tries, most shared first.

    At most five whatever the number of own tags, so the number of queries
    stays fixed; any k gives the right ranking when it finds enough items.
    """
    steps = {own_count, own_count * 3 // 4, own_count // 2, own_count // 4, 2}
    return sorted((k for k in steps if 2 <= k <= own_count), reverse=True)


# How many tag rows are counted at most to tell a rare tag from a common one.
_TAG_SIZE_CAP = 2_000


def _own_tags_rarest_first(publication):
    """Return the ids of *publication*'s tags, least used first."""
    # A correlated count capped by LIMIT: a popular tag costs no more than
    # _TAG_SIZE_CAP index entries. The outer table is not aliased by Django.
    size = RawSQL(
        "(SELECT COUNT(*) FROM (SELECT 1 FROM publications_taggedpublication t"
        " WHERE t.tag_id = publications_taggedpublication.tag_id LIMIT %s) c)",
        (_TAG_SIZE_CAP,),
    )
    return list(
        TaggedPublication.objects.filter(content_object_id=publication.pk)
        .annotate(size=size)
        .order_by("size", "tag_id")
        .values_list("tag_id", flat=True)
    )


def _shared_tags(tag_ids, publication_id):
    """Return a subquery: how many of *tag_ids* the publication carries."""
    return Subquery(
        TaggedPublication.objects.filter(
            content_object_id=publication_id, tag_id__in=tag_ids
        )
        .order_by()
        .values("content_object_id")
        .annotate(count=Count("*"))
        .values("count")
    )
