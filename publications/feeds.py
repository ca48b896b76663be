"""RSS 2.0 and Atom feeds of live publications: all, and per topic, author, series."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import gettext as _

from core.links import absolute_url, fixed_url, slug_url
from publications.caching import remember_each
from publications.models import Publication
from publications.selectors import (
    author_for_slug,
    filter_publications,
    series_for_slug,
    topic_for_slug,
    topic_moved_from,
    with_card_relations,
)

FEED_LENGTH = 50


def feed_items(**filters):
    """Return the latest live publications for a feed, as entry dicts.

    An entry (title, link, teaser, dates, authors, topics, PDF) depends on
    content alone, so each is remembered until content changes, and a feed
    reads only its items' ids from the database.
    """
    publications = filter_publications(Publication.objects.live(), **filters).order_by(
        "-publish_at", "-id"
    )
    ids = list(publications.values_list("pk", flat=True)[:FEED_LENGTH])
    names = {pk: f"feed-entry:{pk}" for pk in ids}

    def build(missing):
        wanted = [pk for pk, name in names.items() if name in missing]
        rows = _entry_rows(Publication.objects.filter(pk__in=wanted))
        return {names[row.pk]: _entry(row) for row in rows}

    entries = remember_each(list(names.values()), build)
    return [entries[names[pk]] for pk in ids if names[pk] in entries]


def _entry_rows(publications):
    # A feed shows a report's PDF, never its text.
    return (
        with_card_relations(publications)
        .select_related("report")
        .defer("report__pdf_text", "report__about", "report__body")
    )


def _entry(item):
    """Return what a feed says of *item*, as plain data.

    Links are paths or external URLs: the feed makes them absolute.
    """
    return {
        "title": item.title,
        "teaser": item.teaser,
        "link": item.public_url,
        "publish_at": item.publish_at,
        "updated_at": item.updated_at,
        "authors": [authorship.author.name for authorship in item.ordered_authorships],
        "topics": [tagged.tag.name for tagged in item.ordered_topics],
        "pdf": _pdf_enclosure(item),
    }


def _pdf_enclosure(item):
    """Return (path, size in bytes) of a report's PDF, or None."""
    path = item.pdf_url
    if not path:
        return None
    try:
        length = item.specific.pdf.size
    except OSError:
        return None
    return path, length


class LatestPublicationsFeed(Feed):
    """The latest live publications, as RSS 2.0.

    Every link is absolute at FOLIO_SITE_URL (core.links), never at the
    request's host or scheme, which Django's Feed would otherwise use.
    """

    description_template = None
    viewname = "publications:feed-latest"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The feed is written in thousands of small pieces; sent as one body,
        # the server makes one write instead of one per piece.
        response.content = response.content
        return response

    def title(self, obj=None):
        return f"{settings.FOLIO_SITE_NAME}: latest publications"

    def link(self, obj=None):
        return absolute_url(fixed_url("publications:publication-list"))

    def feed_url(self, obj=None):
        return absolute_url(fixed_url(self.viewname))

    def description(self, obj=None):
        return f"New reports and publications from {settings.FOLIO_SITE_NAME}."

    def items(self, obj=None):
        return feed_items()

    def item_title(self, item):
        return item["title"]

    def item_description(self, item):
        return item["teaser"]

    def item_link(self, item):
        return absolute_url(item["link"])

    def item_guid(self, item):
        return absolute_url(item["link"])

    def item_pubdate(self, item):
        return item["publish_at"]

    def item_updateddate(self, item):
        return item["updated_at"]

    def item_author_name(self, item):
        return ", ".join(item["authors"]) or None

    def item_categories(self, item):
        return item["topics"]

    def item_enclosures(self, item):
        if item["pdf"] is None:
            return []
        path, length = item["pdf"]
        return [Enclosure(absolute_url(path), str(length), "application/pdf")]


class _OwnerFeed(LatestPublicationsFeed):
    """The feed of one topic, author or series that has something live.

    Unknown slugs and those with nothing live yet get the same 404, the
    rule of their HTML pages (publications.selectors).
    """

    def get_object(self, request, slug):
        owner = self.owner_for_slug(slug)
        if owner is None:
            raise Http404(_("No feed found at that address."))
        return owner

    def owner_for_slug(self, slug):
        raise NotImplementedError

    def link(self, obj=None):
        return absolute_url(obj.get_absolute_url())

    def feed_url(self, obj=None):
        return absolute_url(slug_url(self.viewname, obj.slug))


class LatestPublicationsAtomFeed(LatestPublicationsFeed):
    feed_type = Atom1Feed
    viewname = "publications:feed-latest-atom"
    subtitle = LatestPublicationsFeed.description


class TopicFeed(_OwnerFeed):
    viewname = "publications:feed-topic"

    def __call__(self, request, *args, **kwargs):
        # A renamed or merged topic's old feed address moves for good.
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            if moved := topic_moved_from(kwargs["slug"]):
                return HttpResponsePermanentRedirect(
                    slug_url(self.viewname, moved.slug)
                )
            raise

    def owner_for_slug(self, slug):
        return topic_for_slug(slug)

    def title(self, obj=None):
        return f"{settings.FOLIO_SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return absolute_url(slug_url("publications:topic-detail", obj.slug))

    def description(self, obj=None):
        return f"Publications on {obj.name} from {settings.FOLIO_SITE_NAME}."

    def items(self, obj=None):
        return feed_items(topic_slug=obj.slug)


class AuthorFeed(_OwnerFeed):
    viewname = "publications:feed-author"

    def owner_for_slug(self, slug):
        return author_for_slug(slug)

    def title(self, obj=None):
        return f"{settings.FOLIO_SITE_NAME}: publications by {obj.name}"

    def description(self, obj=None):
        return f"Publications by {obj.name}."

    def items(self, obj=None):
        return feed_items(author_slug=obj.slug)


class SeriesFeed(_OwnerFeed):
    viewname = "publications:feed-series"

    def owner_for_slug(self, slug):
        return series_for_slug(slug)

    def title(self, obj=None):
        return f"{settings.FOLIO_SITE_NAME}: {obj.title}"

    def description(self, obj=None):
        return f"Reports in the series {obj.title}."

    def items(self, obj=None):
        return feed_items(series_slug=obj.slug)
