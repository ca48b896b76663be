"""Reads for the JSON API: the listing's selectors, with what the API shows."""

from datetime import datetime

from django.db.models import Q

from opendata.cursors import decode_cursor
from publications.models import Publication
from publications.selectors import (
    filter_publications,
    live_authors,
    with_card_relations,
)


def with_api_relations(publications, *, about=False):
    """Return *publications* with what an API item shows fetched up front.

    The type, report and series in one join; authors and topics in two
    prefetches (see with_card_relations), whatever the number of rows.
    Reports' about text only if *about*.
    """
    # The body and a PDF's text are the widest columns; the API shows neither.
    deferred = ["report__body", "report__pdf_text"] + (
        [] if about else ["report__about"]
    )
    return (
        with_card_relations(publications)
        .select_related("report__series")
        .defer(*deferred)
    )


def api_publications(*, filters, cursor=None, now=None):
    """Return the live publications matching *filters*, newest first.

    *filters* are filter_publications keyword arguments. A search narrows
    the list without reordering it, so a cursor stays a place in it.
    *cursor* (see publication_cursor) starts the list after an item.
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
    return with_api_relations(publications.newest_first())


def api_publication(slug, *, now=None):
    """Return the live publication *slug* with all the API shows, or None."""
    return (
        with_api_relations(
            Publication.objects.live(now=now).filter(slug=slug), about=True
        )
        .prefetch_related("report__summary_points")
        .first()
    )


def api_authors(*, cursor=None, now=None):
    """Return the authors with something live, by name, after *cursor*."""
    authors = live_authors(now=now).only("slug", "name", "position", "affiliation")
    if cursor:
        name, pk = decode_cursor(cursor, str, int)
        authors = authors.filter(Q(name__gt=name) | Q(name=name, pk__gt=pk))
    return authors
