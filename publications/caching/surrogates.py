"""Surrogate keys: which public pages a change can alter.

A page carries the keys of what it shows; a change purges the keys of what
it touched. A publication's change purges its own page, the lists, feeds
and sitemaps, and the pages of its authors, topics and series. Its own page
carries its topics and series too (related items and the series box are
drawn from them) and the items pinned to it. A renamed author, series,
topic or type is shown on many pages' cards: that purges every page
(EVERYTHING), which is rare enough to be cheap.
"""

from django.urls import Resolver404, resolve
from taggit.models import Tag

from authors.models import Author
from publications.models import (
    Authorship,
    PinnedPublication,
    Publication,
    Report,
    Series,
    TaggedPublication,
)

EVERYTHING = "folio"
LISTING = "listing"
FEED = "feed"
SITEMAP = "sitemap"
# Every public change alters the lists, the latest feeds and the sitemaps.
LISTS = (LISTING, FEED, SITEMAP)

_LIST_VIEWS = {"home", "publication-list", "author-list", "series-list", "topic-list"}
_PUBLICATION_VIEWS = {"publication-detail", "report-bibtex", "report-ris"}
# View name: (model, key prefix) of the one object the page is about.
_OWNER_VIEWS = {
    "author-detail": (Author, "author"),
    "feed-author": (Author, "author"),
    "series-detail": (Series, "series"),
    "feed-series": (Series, "series"),
    "topic-detail": (Tag, "topic"),
    "feed-topic": (Tag, "topic"),
}


def publication_key(publication_id):
    return f"publication-{publication_id}"


def publication_keys(publication_id):
    """Return the keys a change to publication *publication_id* purges.

    Read from the database as it is now; a change that moves an item to
    another author, topic or series purges the keys from before and after.
    """
    keys = {publication_key(publication_id), *LISTS}
    authors = Authorship.objects.filter(publication_id=publication_id)
    keys.update(f"author-{pk}" for pk in authors.values_list("author_id", flat=True))
    keys.update(topic_keys(publication_id))
    series = Report.objects.filter(pk=publication_id, series__isnull=False)
    keys.update(f"series-{pk}" for pk in series.values_list("series_id", flat=True))
    return keys


def topic_keys(publication_id):
    tags = TaggedPublication.objects.filter(content_object_id=publication_id)
    return {f"topic-{pk}" for pk in tags.values_list("tag_id", flat=True)}


def page_keys(request):
    """Return the keys of the public page *request* asks for."""
    keys = {EVERYTHING}
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return keys
    name = match.url_name
    slug = match.kwargs.get("slug")
    if name in _LIST_VIEWS:
        keys.add(LISTING)
    elif name in {"feed-latest", "feed-latest-atom"}:
        keys.add(FEED)
    elif name in {"sitemap", "sitemap-section"}:
        keys.add(SITEMAP)
    elif name in _PUBLICATION_VIEWS:
        keys.update(_publication_page_keys(slug))
    elif name in _OWNER_VIEWS:
        model, prefix = _OWNER_VIEWS[name]
        pk = model.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if pk is not None:
            keys.add(f"{prefix}-{pk}")
    return keys


def _publication_page_keys(slug):
    pk = Publication.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if pk is None:
        return set()
    keys = {publication_key(pk), *topic_keys(pk)}
    series = Report.objects.filter(pk=pk, series__isnull=False)
    keys.update(f"series-{pk}" for pk in series.values_list("series_id", flat=True))
    pinned = PinnedPublication.objects.filter(source_id=pk)
    keys.update(
        publication_key(target) for target in pinned.values_list("target_id", flat=True)
    )
    return keys
