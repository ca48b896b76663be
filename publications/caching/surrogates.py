"""Surrogate keys: which public pages a change can alter.

A page carries the keys of what it shows; a change marks the keys of what
it touched as changed (versions.py), and a shared HTTP cache purges them.
A publication's change alters its own page, the pages showing its card
(the unfiltered lists, feeds, sitemaps and searches, its authors', topics'
and series' pages, the listings filtered by any of its values, and the
pages listing it as related), before and after the change. An edit that
leaves it in the same lists at the same place alters only the pages that
show it: list pages name the keys of their cards (edited_in_place_keys).
A publication's own page carries the items it shows as related or pinned
and its series (the series box): a change to one of those alters it, and a
change to its topics re-ranks related lists through the change queue,
which marks the pages whose lists it rewrote (publications.derived). A renamed author,
series, topic or type is shown on many pages' cards: that alters every
page (EVERYTHING), which is rare enough to be cheap; an author's other
details (bio, photo, position, affiliation) alter only the author's page,
the unfiltered lists and the pages of the author's publications
(author_profile_key), and a series' description or commissioner its pages
and its reports' (series-<id>) and the unfiltered lists.
"""

from django.urls import Resolver404, resolve
from django.utils import timezone

from publications.models import (
    Authorship,
    Publication,
    TaggedPublication,
)

EVERYTHING = "folio"
# The lists no filter narrows (home, the listing, the indexes of authors,
# series and topics) and any page that names no keys of its own.
LISTING = "listing"
FEED = "feed"
SITEMAP = "sitemap"
SEARCH = "search"
# Every public change of a publication alters these.
LISTS = (LISTING, FEED, SITEMAP, SEARCH)

_FEED_VIEWS = {"feed-latest", "feed-latest-atom"}
_SITEMAP_VIEWS = {"sitemap", "sitemap-section"}
# Feeds of one owner: view name and key prefix of the slug's object.
_OWNER_FEEDS = {"feed-author": "author", "feed-series": "series", "feed-topic": "topic"}


PUBLICATION_KEY_PREFIX = "publication-"


def publication_key(publication_id):
    return f"{PUBLICATION_KEY_PREFIX}{publication_id}"


def author_profile_key(author_id):
    """Return the key of the pages showing an author's profile: the bio,
    photo, position and affiliation on the author's publications' pages.

    Apart from author-<id>, which every change to one of the author's
    publications marks: an edit of one item leaves the author's other items'
    pages cached.
    """
    return f"profile-{author_id}"


def publication_keys(publication_id):
    """Return the keys a change to publication *publication_id* alters.

    Read from the database as it is now; a change that moves an item to
    another author, topic, series, type or year marks the keys from before
    and after.
    """
    keys = {publication_key(publication_id), *LISTS}
    row = (
        Publication.objects.filter(pk=publication_id)
        .values_list(
            "publication_type__slug",
            "publish_at",
            "report__series_id",
            "report__series__slug",
        )
        .first()
    )
    if row is not None:
        type_slug, publish_at, series_id, series_slug = row
        keys.add(listing_key("type", type_slug))
        keys.update(listing_key("year", year) for year in _years(publish_at))
        if series_id is not None:
            keys.update({f"series-{series_id}", listing_key("series", series_slug)})
    authors = Authorship.objects.filter(publication_id=publication_id).values_list(
        "author_id", "author__slug"
    )
    for author_id, author_slug in authors:
        keys.update({f"author-{author_id}", listing_key("author", author_slug)})
    keys.update(topic_keys(publication_id))
    return keys


def edited_in_place_keys(publication_id, keys):
    """Return the keys an edit alters that leaves the item in the same lists.

    *keys* are its publication_keys(), the same before and after the edit,
    and it was live before and after, with the same publish moment: no list
    gains or loses it, or shows it elsewhere, and no count moves. Only the
    pages showing it change: its own, the list pages showing its card (each
    names the keys of its cards), the pages showing it as related, the lists
    with no key of their own (LISTS: feeds, sitemaps, searches, the
    unfiltered lists, the pages naming no keys) and its series' pages (the
    series box). A topic's or an author's other pages stay cached.
    """
    return {
        publication_key(publication_id),
        *LISTS,
        *(key for key in keys if key.startswith("series-")),
    }


def topic_keys(publication_id):
    tags = TaggedPublication.objects.filter(content_object_id=publication_id)
    return {f"topic-{pk}" for pk in tags.values_list("tag_id", flat=True)}


# Longest key (KeyChange.key); a longer one would be a header's worth of
# made-up slug.
MAX_KEY_LENGTH = 100


def listing_key(name, value):
    """Return the key of the listings filtered by *value* of filter *name*.

    A value too long for a key shares LISTING, which every change alters.
    """
    key = f"list-{name}-{value}"
    return key if len(key) <= MAX_KEY_LENGTH else LISTING


def listing_keys(filters):
    """Return the keys of a listing narrowed by *filters*.

    *filters* are filter_publications() arguments. Each filter's key: an
    option's count is what the other filters leave, so a change that
    matches any one filter can alter the page. With no filter, LISTING;
    a search, whose matches no key names, SEARCH.
    """
    keys = set()
    for name, key in (
        ("type_slug", "type"),
        ("series_slug", "series"),
        ("author_slug", "author"),
        ("year", "year"),
    ):
        if filters.get(name):
            keys.add(listing_key(key, filters[name]))
    if filters.get("topic_id"):
        keys.add(f"topic-{filters['topic_id']}")
    elif filters.get("topic_slug"):
        # A slug that names no topic yet: its first item is a public change
        # of a publication, which alters LISTING.
        keys.add(LISTING)
    if filters.get("query"):
        keys.add(SEARCH)
    if filters.get("since") or filters.get("until"):
        keys.add(LISTING)
    return keys or {LISTING}


def add_page_keys(request, keys):
    """Name *keys* among those of the page *request* is answered with."""
    request.folio_page_keys = getattr(request, "folio_page_keys", set()) | set(keys)


def page_keys(request):
    """Return the keys of the public page *request* is answered with.

    Those its view named (add_page_keys); for views that name none, the
    keys their URL implies, and LISTING for any other page.
    """
    named = getattr(request, "folio_page_keys", None)
    if named:
        return {EVERYTHING, *named}
    keys = {EVERYTHING}
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return keys | {LISTING}
    name = match.url_name
    if name in _FEED_VIEWS:
        keys.add(FEED)
    elif name in _SITEMAP_VIEWS:
        keys.add(SITEMAP)
    elif name in _OWNER_FEEDS:
        # FEED as well: an edit that keeps an item in its lists alters the
        # feeds it is in by that key alone (edited_in_place_keys).
        keys |= {FEED, _owner_key(_OWNER_FEEDS[name], match.kwargs.get("slug"))}
    else:
        keys.add(LISTING)
    return keys


def _owner_key(prefix, slug):
    from taggit.models import Tag

    from authors.models import Author
    from publications.models import Series

    model = {"author": Author, "series": Series, "topic": Tag}[prefix]
    pk = model.objects.filter(slug=slug).values_list("pk", flat=True).first()
    # An unknown slug: its page changes when something is published there.
    return f"{prefix}-{pk}" if pk is not None else LISTING


def _years(moment):
    """Return the years *moment* falls in, here and in the site's zone."""
    if moment is None:
        return set()
    return {moment.year, timezone.localtime(moment).year}
