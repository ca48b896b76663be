"""Facet counts: how many live items each option of a listing filter lists.

The counts are disjunctive, as readers expect of filters: a facet's counts
apply every active filter but its own, so the number next to an option is
the number of results choosing it gives, the other filters kept. Each
facet is one grouped COUNT over the live items the other filters leave.
"""

from django.db.models import Count
from django.db.models.functions import ExtractYear

from publications.models import Authorship, Publication, TaggedPublication
from publications.selectors import filter_publications, with_topic_id


def _type_counts(publications):
    return publications.values_list("publication_type__slug").annotate(
        count=Count("pk")
    )


def _topic_counts(publications):
    return (
        TaggedPublication.objects.filter(content_object__in=publications.values("pk"))
        .values_list("tag__slug")
        .annotate(count=Count("pk"))
    )


def _series_counts(publications):
    return (
        publications.filter(report__series__isnull=False)
        .values_list("report__series__slug")
        .annotate(count=Count("pk"))
    )


def _author_counts(publications):
    # Through the authorships, not publications.authors: a join on authors
    # would be the author filter's own join when it is active.
    return (
        Authorship.objects.filter(publication__in=publications.values("pk"))
        .values_list("author__slug")
        .annotate(count=Count("pk"))
    )


def _year_counts(publications):
    return (
        publications.annotate(year=ExtractYear("publish_at"))
        .values_list("year")
        .annotate(count=Count("pk"))
    )


# Facet (the listing's field name): the filter_publications arguments that
# are its own filter, and its grouped count.
FACETS = {
    "type": (("type_slug",), _type_counts),
    "topic": (("topic_slug", "topic_id"), _topic_counts),
    "series": (("series_slug",), _series_counts),
    "author": (("author_slug",), _author_counts),
    "year": (("year",), _year_counts),
}


def other_filters(facet, filters):
    """Return *filters* (filter_publications arguments) but *facet*'s own."""
    own = FACETS[facet][0]
    return {
        argument: value
        for argument, value in filters.items()
        if argument not in own and value not in (None, "")
    }


def facet_counts(facet, filters, *, now=None):
    """Return {option value: live count} of *facet* under *filters*.

    *filters* are filter_publications arguments; the facet's own is left
    out, the others narrow the count. Options with nothing are absent;
    values are strings, as the listing's form reads them.
    """
    publications = filter_publications(
        Publication.objects.live(now=now), **other_filters(facet, filters)
    )
    rows = FACETS[facet][1](publications.order_by()).order_by()
    return {str(value): count for value, count in rows if value}


def all_facet_counts(facets, filters, *, now=None):
    """Return {facet: facet_counts(facet, filters)} for each of *facets*.

    A topic slug is looked up once for all of them, not once per facet.
    """
    filters = with_topic_id(filters)
    if filters.get("topic_slug"):
        # A topic that names nothing leaves nothing to count but itself.
        return {
            facet: facet_counts(facet, filters, now=now) if facet == "topic" else {}
            for facet in facets
        }
    return {facet: facet_counts(facet, filters, now=now) for facet in facets}
