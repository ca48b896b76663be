"""Reads for the JSON API: the listing's filters, then plain rows.

Rows are dicts from values(), not model instances: a page of 50 items has
some 800 related rows, and building instances for them cost more than the
queries themselves.
"""

from collections import defaultdict
from datetime import datetime

from django.db.models import F, Q

from opendata.cursors import decode_cursor
from publications.caching import remember
from publications.models import Authorship, Publication, SummaryPoint, TaggedPublication
from publications.selectors import (
    filter_publications,
    live_authors,
    live_series,
    live_topics,
)

_PUBLICATION_FIELDS = {
    "type_slug": F("publication_type__slug"),
    "type_name": F("publication_type__name"),
    "type_kind": F("publication_type__kind"),
    "pdf": F("report__pdf"),
    "series_slug": F("report__series__slug"),
    "series_title": F("report__series__title"),
    "series_position": F("report__series_position"),
    "external_url": F("relatedpublication__external_url"),
}
_PUBLICATION_COLUMNS = (
    "pk",
    "slug",
    "title",
    "kind",
    "number",
    "teaser",
    "publish_at",
    "updated_at",
)


def api_publications(*, filters, cursor=None, limit, now=None):
    """Return up to *limit* live publications matching *filters*, as rows.

    *filters* are filter_publications keyword arguments; newest first. A
    search narrows the list without reordering it, so a cursor stays a
    place in it. *cursor* (see opendata.cursors) starts the list after an
    item. Three queries: the page, its authors, its topics.
    """
    live = Publication.objects.live(now=now)
    publications = filter_publications(live, **filters)
    if filters.get("query"):
        # Drops the search's ranking and highlights, which the API never shows.
        publications = live.filter(pk__in=publications.values("pk"))
    if cursor:
        published_at, pk = decode_cursor(cursor, datetime, int)
        publications = publications.filter(
            Q(publish_at__lt=published_at) | Q(publish_at=published_at, pk__lt=pk)
        )
    rows = list(
        publications.newest_first().values(
            *_PUBLICATION_COLUMNS, **_PUBLICATION_FIELDS
        )[:limit]
    )
    return _with_credits_and_topics(rows)


def api_publication(slug, *, now=None):
    """Return the live publication *slug* as a row with its about, or None.

    The row also has summary_points. Four queries.
    """
    row = (
        Publication.objects.live(now=now)
        .filter(slug=slug)
        .values(*_PUBLICATION_COLUMNS, about=F("report__about"), **_PUBLICATION_FIELDS)
        .first()
    )
    if row is None:
        return None
    row["summary_points"] = list(
        SummaryPoint.objects.filter(report_id=row["pk"]).values_list("text", flat=True)
    )
    return _with_credits_and_topics([row])[0]


def _with_credits_and_topics(rows):
    """Add authors (in order) and topics (by name) to publication *rows*."""
    ids = [row["pk"] for row in rows]
    credits, topics = defaultdict(list), defaultdict(list)
    if ids:
        for credit in (
            Authorship.objects.filter(publication_id__in=ids)
            .order_by("position", "pk")
            .values(
                "publication_id",
                "role",
                "affiliation",
                name=F("author__name"),
                slug=F("author__slug"),
                author_affiliation=F("author__affiliation"),
            )
        ):
            credits[credit["publication_id"]].append(credit)
        for topic in (
            TaggedPublication.objects.filter(content_object_id__in=ids)
            .order_by("tag__name")
            .values("content_object_id", slug=F("tag__slug"), name=F("tag__name"))
        ):
            topics[topic["content_object_id"]].append(topic)
    for row in rows:
        row["credits"] = credits[row["pk"]]
        row["topics"] = topics[row["pk"]]
    return rows


def api_authors(*, cursor=None, limit, now=None):
    """Return up to *limit* authors with something live, by name, as rows.

    The list is counted over every live item, so it is remembered until
    content changes; *cursor* (see opendata.cursors) starts it after an
    author.
    """
    authors = remember(
        "api-authors",
        lambda: list(
            live_authors(now=now).values(
                "pk", "slug", "name", "position", "affiliation", "publication_count"
            )
        ),
        now=now,
    )
    start = 0
    if cursor:
        name, pk = decode_cursor(cursor, str, int)
        start = next(
            (
                index + 1 if author["pk"] == pk else index
                for index, author in enumerate(authors)
                if author["pk"] == pk or (author["name"], author["pk"]) > (name, pk)
            ),
            len(authors),
        )
    return authors[start : start + limit]


def api_series(*, now=None):
    """Return the series with live reports, by title, with a report_count.

    Remembered until content changes: counted over every live report.
    """
    return remember("api-series", lambda: list(live_series(now=now)), now=now)


def api_topics(*, now=None):
    """Return the topics of live publications as dicts: slug, name, count.

    Remembered until content changes: counted over every live item.
    """
    return remember("api-topics", lambda: list(live_topics(now=now)), now=now)
