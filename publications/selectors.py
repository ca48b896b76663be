"""Reads that span relations: listings, filters and a publication's page.

Related items are in publications.related, list pages in publications.paging.
"""

from django.db.models import Count, F, Prefetch
from django.db.models.functions import ExtractYear, Lower
from taggit.models import Tag

from authors.models import Author
from core.dates import reader_date
from publications.caching import remember
from publications.models import (
    Authorship,
    Publication,
    PublicationType,
    Report,
    Series,
    TaggedPublication,
)
from publications.querysets import with_live_publications
from publications.related import related_publication_ids
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


def with_topic_id(filters):
    """Return filter_publications arguments *filters*, a topic slug as its id.

    The listing, its count and its facet counts then look the tag up once,
    not once each. A slug that names no tag is kept: it matches nothing.
    """
    slug = filters.get("topic_slug")
    if not slug or filters.get("topic_id"):
        return filters
    tag_id = Tag.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if tag_id is None:
        return filters
    resolved = {key: value for key, value in filters.items() if key != "topic_slug"}
    return {**resolved, "topic_id": tag_id}


def with_card_relations(publications):
    """Return *publications* with what a list card shows fetched up front.

    Cards show the type, the external URL of related publications, the
    authors in order and the topics by name: one join and two prefetches,
    whatever the number of rows.
    """
    return (
        publications.select_related("publication_type", "relatedpublication")
        # Cards never show these.
        .without_search_vectors()
        .defer("relatedpublication__body")
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
        .without_search_vectors()
    )


def publication_relations(publication, *, now=None, remembered=True):
    """Return, as a dict, what a publication page shows besides the item.

    authorships (with their authors, in order), topics (by name),
    summary_points (reports only), related_ids (see related_publication_ids)
    and series_others (see series_box). With *remembered*, all of it is one
    entry kept until content changes or a scheduled item goes live or
    leaves; pass remembered=False for a preview.
    """

    def build():
        relations = {
            "authorships": list(publication.authorships.select_related("author")),
            "topics": list(publication.tags.order_by("name")),
            "summary_points": [],
            "series_others": [],
            # Stored and kept current, unless this is a preview.
            "related_ids": related_publication_ids(
                publication, now=now, remembered=remembered
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
            "meta": f"{other.type_label}, {reader_date(other.publish_at)}",
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
            with_live_publications("content_object", now=now)
        )
        .values(slug=F("tag__slug"), name=F("tag__name"))
        .annotate(count=Count("pk"))
        .order_by("name")
    )


def topic_for_slug(slug, *, now=None):
    """Return the tag *slug* if a live publication uses it, else None."""
    return _one(
        Tag.objects.filter(with_live_publications("publication", now=now)), slug
    )


def topic_moved_from(slug, *, now=None):
    """Return the topic that once had *slug* if a live publication uses it, else None.

    A renamed or merged topic keeps its old slugs (TopicRedirect).
    """
    topics = Tag.objects.filter(with_live_publications("publication", now=now))
    return next(iter(topics.filter(redirects__old_slug=slug).order_by()[:1]), None)


def author_for_slug(slug, *, now=None):
    """Return the author *slug* if a live publication names them, else None."""
    return _one(
        Author.objects.filter(with_live_publications("publications", now=now)), slug
    )


def series_for_slug(slug, *, now=None):
    """Return the series *slug* if it has a live report, else None."""
    return _one(Series.objects.filter(with_live_publications("reports", now=now)), slug)


def _one(rows, slug):
    # Unordered: the join repeats the one row with this slug, and ordering by
    # id (as first() does) makes PostgreSQL walk the primary key instead of
    # the slug index (2.8 ms instead of 0.15 ms for the last of 2,000 authors).
    return next(iter(rows.filter(slug=slug).order_by()[:1]), None)


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
        # Filtering before annotating makes the count see live reports only.
        Series.objects.filter(with_live_publications("reports", now=now))
        .annotate(report_count=Count("reports"))
        .order_by("title")
    )


def live_authors(*, now=None):
    """Return authors with at least one live publication, with a publication_count.

    They are in index order: by family name, then given names, ignoring case.
    """
    return (
        Author.objects.filter(with_live_publications("publications", now=now))
        .annotate(publication_count=Count("publications"))
        .order_by(Lower("family_name"), Lower("given_names"), "name", "pk")
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
