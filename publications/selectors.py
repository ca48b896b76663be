"""Reads that span relations: listings, filters and related items."""

from django.db.models import Q

from publications.models import Publication


def filter_publications(
    publications=None,
    *,
    type_slug=None,
    topic_slug=None,
    series_slug=None,
    author_slug=None,
    year=None,
    since=None,
    until=None,
    query=None,
):
    """Return *publications* narrowed by the listing's filters.

    Every filter is optional and they combine. *since* and *until* are dates
    (inclusive); *query* matches title, teaser and author names. The caller
    chooses the base set: ``Publication.objects.live()`` for the public site,
    any state for staff exports.
    """
    if publications is None:
        publications = Publication.objects.live()
    if type_slug:
        publications = publications.filter(publication_type__slug=type_slug)
    if topic_slug:
        publications = publications.filter(tags__slug=topic_slug)
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
        publications = publications.filter(
            Q(title__icontains=query)
            | Q(teaser__icontains=query)
            | Q(
                pk__in=Publication.objects.filter(
                    authors__name__icontains=query
                ).values("pk")
            )
        )
    return publications
