"""Reads that span relations: listings, filters and related items."""

import hashlib

from django.conf import settings
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear, Mod, RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from taggit.models import Tag

from authors.models import Author
from publications.data_cache import remember, shared_cache
from publications.models import (
    Authorship,
    PinnedPublication,
    Publication,
    PublicationType,
    Report,
    Series,
    TaggedPublication,
)
from publications.querysets import live_condition
from publications.search import search_publications

# Other reports of its series listed on a report page; the series page has all.
SERIES_BOX_SIZE = 10


def filter_publications(
    publications=None,
    *,
    type_slug=None,
    topic_slug=None,
    topic_id=None,
    series_slug=None,
    author_slug=None,
    year=None,
    since=None,
    until=None,
    query=None,
):
    """Return *publications* narrowed by the listing's filters.

    Every filter is optional and they combine. *topic_id* stands for
    *topic_slug* when the caller has the tag already; *since* and *until*
    are dates (inclusive); *query* is a full-text search (see
    publications.search), ordered by relevance on PostgreSQL. The caller
    chooses the base set: ``Publication.objects.live()`` for the public
    site, any state for staff exports.
    """
    if publications is None:
        publications = Publication.objects.live()
    if type_slug:
        publications = publications.filter(publication_type__slug=type_slug)
    if topic_slug or topic_id:
        # The tag's id as a literal lets the planner see how common it is:
        # a popular topic's newest items are found walking the date index,
        # a rare one's from the tag index.
        if topic_id:
            tag_ids = [topic_id]
        else:
            tag_ids = list(
                Tag.objects.filter(slug=topic_slug).values_list("pk", flat=True)
            )
        publications = publications.filter(
            pk__in=TaggedPublication.objects.filter(tag_id__in=tag_ids).values(
                "content_object_id"
            )
        )
    if series_slug:
        publications = publications.filter(report__series__slug=series_slug)
    if author_slug:
        publications = publications.filter(authors__slug=author_slug)
    if year:
        publications = publications.filter(publish_at__year=year)
    if since:
        publications = publications.filter(publish_at__date__gte=since)
    if until:
        publications = publications.filter(publish_at__date__lte=until)
    if query:
        publications = search_publications(publications, query)
    return publications


def with_card_relations(publications):
    """Return *publications* with what a list card shows fetched up front.

    Cards show the type, the external URL of related publications, the
    authors in order and the topics by name: one join and two prefetches,
    whatever the number of rows.
    """
    return (
        publications.select_related("publication_type", "relatedpublication")
        # Cards never show these; the search vector alone is kilobytes a row.
        .defer("search_vector", "relatedpublication__body")
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("author"),
                to_attr="ordered_authorships",
            ),
            Prefetch(
                "tagged_items",
                queryset=TaggedPublication.objects.select_related("tag").order_by(
                    "tag__name"
                ),
                to_attr="ordered_topics",
            ),
        )
    )


def live_publications(*, now=None):
    """Return the live publications, newest first, ready for list cards."""
    return with_card_relations(Publication.objects.live(now=now).newest_first())


def related_publications(publication, *, limit=None, now=None):
    """Return the live items to show as related to *publication*.

    Items pinned by editors come first, in pinned order; then live items
    sharing at least one tag, most shared first, then newest, then highest
    id. *publication* itself is never included and nothing unrelated pads
    the list. One SQL query; the counting happens in the database. With a
    shared cache, the ranked ids are remembered until content changes (see
    remember()), and the query fetches only those.
    """
    if limit is None:
        limit = settings.FOLIO_RELATED_COUNT
    if limit <= 0:
        return Publication.objects.none()
    if shared_cache() is None:
        return _related(publication, limit=limit, now=now)
    ids = related_publication_ids(publication, limit=limit, now=now)
    return _related(publication, limit=limit, now=now, among=ids)


def related_publication_ids(publication, *, limit=None, now=None, remembered=True):
    """Return the ids of related_publications(), in order.

    With a shared cache they are found by reading few tag rows (see
    _related_ids) and, if *remembered*, kept until content changes or a
    scheduled item goes live or leaves (see remember()).
    """
    if limit is None:
        limit = settings.FOLIO_RELATED_COUNT
    if limit <= 0:
        return []
    if shared_cache() is None:
        related = _related(publication, limit=limit, now=now)
        return list(related.values_list("pk", flat=True))
    if not remembered:
        return _related_ids(publication, limit=limit, now=now)
    return remember(
        f"related:{publication.pk}:{limit}",
        lambda: _related_ids(publication, limit=limit, now=now),
        now=now,
    )


def _related(publication, *, limit, now, among=None):
    pins = PinnedPublication.objects.filter(source_id=publication.pk)
    own_tags = TaggedPublication.objects.filter(
        content_object_id=publication.pk
    ).values("tag_id")
    sharing = TaggedPublication.objects.filter(tag_id__in=own_tags)
    pin = pins.filter(target_id=OuterRef("pk")).order_by()
    shared_count = (
        sharing.filter(content_object_id=OuterRef("pk"))
        .order_by()
        .values("content_object_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    if among is None:
        candidates = Q(pk__in=pins.values("target_id")) | Q(
            pk__in=sharing.values("content_object_id")
        )
    else:
        candidates = Q(pk__in=among)
    return (
        Publication.objects.live(now=now)
        .exclude(pk=publication.pk)
        .filter(candidates)
        .annotate(
            pin_position=Subquery(pin.values("position")[:1]),
            pin_id=Subquery(pin.values("pk")[:1]),
            shared_tags=Coalesce(Subquery(shared_count), Value(0)),
        )
        .order_by(
            F("pin_position").asc(nulls_last=True),
            F("pin_id").asc(nulls_last=True),
            "-shared_tags",
            "-publish_at",
            "-pk",
        )[:limit]
    )


def _related_ids(publication, *, limit, now):
    """Return the ids related_publications() shows, reading few tag rows.

    Counting shared tags for every item that shares one reads most of the
    site when a tag is popular. An item sharing at least k of the n own
    tags carries at least one of any n - k + 1 of them, so, for k from n
    down, only items carrying one of the n - k + 1 rarest own tags are
    counted; once enough of them share k or more, no other item can rank
    higher. At k = 1 every sharing item is counted, in one grouped pass.
    """
    pins = PinnedPublication.objects.filter(source_id=publication.pk)
    pinned = list(
        pins.filter(live_condition("target", now=now))
        .order_by("position", "pk")
        .values_list("target_id", flat=True)[:limit]
    )
    need = limit - len(pinned)
    own = _own_tags_rarest_first(publication)
    if not need or not own:
        return pinned
    candidates = (
        Publication.objects.live(now=now)
        .exclude(pk=publication.pk)
        .exclude(pk__in=pins.values("target_id"))
    )
    for least in range(len(own), 1, -1):
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
            .values_list("pk", flat=True)[:need]
        )
        if len(found) == need:
            return pinned + found
    sharing = (
        TaggedPublication.objects.filter(
            live_condition("content_object", now=now), tag_id__in=own
        )
        .exclude(content_object_id=publication.pk)
        .exclude(content_object_id__in=pins.values("target_id"))
        .values("content_object_id", "content_object__publish_at")
        .annotate(shared=Count("*"))
        .order_by("-shared", "-content_object__publish_at", "-content_object_id")
        .values_list("content_object_id", flat=True)
    )
    return pinned + list(sharing[:need])


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


def series_reports(series, *, now=None):
    """Return the live reports of *series* in series order."""
    return (
        Publication.objects.live(now=now)
        .filter(report__series=series)
        .order_by(F("report__series_position").asc(nulls_last=True), "publish_at", "pk")
    )


def other_series_reports(report, *, now=None):
    """Return the live reports of *report*'s series but itself, in series order."""
    if report.series_id is None:
        return Publication.objects.none()
    return (
        series_reports(report.series_id, now=now)
        .exclude(pk=report.pk)
        .select_related("publication_type")
    )


def publication_relations(publication, *, now=None, remembered=True):
    """Return, as a dict, what a publication page shows besides the item.

    authorships (with their authors, in order), topics (by name),
    summary_points (reports only), related_ids (see related_publication_ids)
    and series_others (see series_box). With a shared cache and
    *remembered*, all of it is one entry kept until content changes or a
    scheduled item goes live or leaves; pass remembered=False for a preview.
    """

    def build():
        relations = {
            "authorships": list(publication.authorships.select_related("author")),
            "topics": list(publication.tags.order_by("name")),
            "summary_points": [],
            "series_others": [],
            "related_ids": related_publication_ids(
                publication, now=now, remembered=False
            ),
        }
        if isinstance(publication, Report):
            relations["summary_points"] = list(publication.summary_points.all())
            relations["series_others"] = series_box(
                publication, size=SERIES_BOX_SIZE, now=now
            )
        return relations

    if not remembered:
        return build()
    return remember(f"relations:{publication.pk}", build, now=now)


def series_box(report, *, size, now=None):
    """Return up to size + 1 other live reports of *report*'s series, as dicts.

    Each has url, title and meta (type, number, month and year), in series
    order; one more than shown tells whether to link to the rest.
    """
    others = other_series_reports(report, now=now)[: size + 1]
    return [
        {
            "url": other.get_absolute_url(),
            "title": other.title,
            "meta": f"{other.type_label}, "
            + date_format(timezone.localtime(other.publish_at), "F Y"),
        }
        for other in others
    ]


def live_topics(*, now=None):
    """Return the topics of live publications as dicts: slug, name, count.

    Topics used only by drafts or scheduled items are left out, so their
    names never show before the item is public.
    """
    return (
        TaggedPublication.objects.filter(
            content_object__in=Publication.objects.live(now=now)
        )
        .values(slug=F("tag__slug"), name=F("tag__name"))
        .annotate(count=Count("pk"))
        .order_by("name")
    )


def topic_for_slug(slug, *, now=None):
    """Return the tag *slug* if a live publication uses it, else None."""
    return Tag.objects.filter(
        slug=slug,
        pk__in=TaggedPublication.objects.filter(
            content_object__in=Publication.objects.live(now=now)
        ).values("tag_id"),
    ).first()


def live_types(*, now=None):
    """Return the types of live publications as dicts: slug, name, kind, count.

    Report types come first, then related-publication types, each in the
    editors' order.
    """
    rows = (
        Publication.objects.live(now=now)
        .values(
            "publication_type__slug",
            "publication_type__name",
            "publication_type__kind",
            "publication_type__position",
        )
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = sorted(
        rows,
        key=lambda row: (
            row["publication_type__kind"] != PublicationType.Kind.REPORT,
            row["publication_type__position"],
            row["publication_type__name"],
        ),
    )
    return [
        {
            "slug": row["publication_type__slug"],
            "name": row["publication_type__name"],
            "kind": row["publication_type__kind"],
            "count": row["count"],
        }
        for row in rows
    ]


def live_series(*, now=None):
    """Return series with at least one live report, with a report_count."""
    return (
        Series.objects.filter(reports__in=Report.objects.live(now=now))
        .annotate(report_count=Count("reports"))
        .order_by("title")
    )


def live_authors(*, now=None):
    """Return authors with at least one live publication, with a publication_count."""
    return (
        Author.objects.filter(publications__in=Publication.objects.live(now=now))
        .annotate(publication_count=Count("publications"))
        .order_by("name", "pk")
    )


def live_years(*, now=None):
    """Return the years of live publications as dicts: year, count, newest first."""
    return (
        Publication.objects.live(now=now)
        .annotate(year=ExtractYear("publish_at"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
    )


def listing_choices(*, now=None, without=()):
    """Return the filter choices of the listing, each with its live count.

    Plain data: {"types": [...], "topics": [...], "series": [...],
    "authors": [...], "years": [...]}, one query per key not in *without*.
    The listing remembers the options made from them (forms.filter_options).
    """
    builders = {
        "types": lambda: live_types(now=now),
        "topics": lambda: list(live_topics(now=now)),
        "series": lambda: [
            {"slug": s.slug, "name": s.title, "count": s.report_count}
            for s in live_series(now=now)
        ],
        "authors": lambda: [
            {"slug": a.slug, "name": a.name, "count": a.publication_count}
            for a in live_authors(now=now).only("slug", "name")
        ],
        "years": lambda: list(live_years(now=now)),
    }
    return {key: [] if key in without else build() for key, build in builders.items()}


def count_publications(publications, *, key, now=None):
    """Return publications.count(); *key* names the filters that made them.

    With a shared cache the count is remembered until content changes.
    """
    if shared_cache() is None:
        return publications.count()
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return remember(f"count:{digest}", publications.count, now=now)


# Deep pages start from every ANCHOR_STEP-th row of a newest-first list.
ANCHOR_STEP = 1_000


def page_anchors(publications, *, key, now=None):
    """Return (publish_at, pk) of rows 0, ANCHOR_STEP, 2 x ANCHOR_STEP... or None.

    *publications* are in newest-first order; *key* names the filters that
    made them (as for count_publications). A deep page then starts at the
    anchor before it and skips fewer than ANCHOR_STEP rows, instead of every
    row before it. The anchors take one pass over the list's index, so they
    are only worth it remembered: without a shared cache this returns None.
    """
    if shared_cache() is None:
        return None

    def build():
        numbered = (
            publications.order_by()
            .annotate(
                position=Window(
                    RowNumber(), order_by=[F("publish_at").desc(), F("pk").desc()]
                )
            )
            .annotate(offset=Mod(F("position") - 1, ANCHOR_STEP))
            .filter(offset=0)
            .order_by("position")
        )
        return list(numbered.values_list("publish_at", "pk"))

    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return remember(f"anchors:{digest}", build, now=now)


# How many of a search's best results have their order remembered: 50 pages.
RANKED_IDS_KEPT = 1_000


def ranked_ids(publications, *, key, now=None):
    """Return the ids of the first RANKED_IDS_KEPT *publications*, or None.

    For lists in an order the database computes per row, such as search
    relevance: ranking every match is most of a search's cost, and the
    order only changes with content. *key* names the filters that made the
    list (as for count_publications). Without a shared cache this returns
    None, and pages are read as usual.
    """
    if shared_cache() is None:
        return None
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return remember(
        f"ranked:{digest}",
        lambda: list(publications.values_list("pk", flat=True)[:RANKED_IDS_KEPT]),
        now=now,
    )
