"""RSS 2.0 and Atom feeds of live publications: all, and per topic, author, series."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from taggit.models import Tag

from authors.models import Author
from core.links import absolute_url
from publications.caching import remember_each
from publications.models import Publication, Series
from publications.selectors import filter_publications, with_card_relations

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
    """Return what a feed says of *item*, as plain data."""
    related = _related_or_none(item)
    if related is not None and related.external_url:
        link = related.external_url
    else:
        link = item.get_absolute_url()
    return {
        "title": item.title,
        "teaser": item.teaser,
        "link": link,
        "publish_at": item.publish_at,
        "updated_at": item.updated_at,
        "authors": [authorship.author.name for authorship in item.ordered_authorships],
        "topics": [tagged.tag.name for tagged in item.ordered_topics],
        "pdf": _pdf_enclosure(item),
    }


def _pdf_enclosure(item):
    """Return (absolute URL, size in bytes) of a report's PDF, or None."""
    report = _report_or_none(item)
    if report is None or not report.pdf:
        return None
    try:
        length = report.pdf.size
    except OSError:
        return None
    path = reverse("publications:report-pdf", kwargs={"slug": item.slug})
    return absolute_url(path), length


class LatestPublicationsFeed(Feed):
    """The latest live publications, as RSS 2.0."""

    description_template = None

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The feed is written in thousands of small pieces; sent as one body,
        # the server makes one write instead of one per piece.
        response.content = response.content
        return response

    def title(self, obj=None):
        return f"{settings.FOLIO_SITE_NAME}: latest publications"

    def link(self, obj=None):
        return reverse("publications:publication-list")

    def description(self, obj=None):
        return f"New reports and publications from {settings.FOLIO_SITE_NAME}."

    def items(self, obj=None):
        return feed_items()

    def item_title(self, item):
        return item["title"]

    def item_description(self, item):
        return item["teaser"]

    def item_link(self, item):
        return item["link"]

    def item_guid(self, item):
        return item["link"]

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
        url, length = item["pdf"]
        return [Enclosure(url, str(length), "application/pdf")]


def _report_or_none(item):
    if item.kind != Publication.Kind.REPORT:
        return None
    return item.report


def _related_or_none(item):
    if item.kind != Publication.Kind.RELATED:
        return None
    return item.relatedpublication


class LatestPublicationsAtomFeed(LatestPublicationsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPublicationsFeed.description


class TopicFeed(LatestPublicationsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj=None):
        return f"{settings.FOLIO_SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return reverse("publications:topic-detail", kwargs={"slug": obj.slug})

    def description(self, obj=None):
        return f"Publications on {obj.name} from {settings.FOLIO_SITE_NAME}."

    def items(self, obj=None):
        return feed_items(topic_slug=obj.slug)


class AuthorFeed(LatestPublicationsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj=None):
        return f"{settings.FOLIO_SITE_NAME}: publications by {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return f"Publications by {obj.name}."

    def items(self, obj=None):
        return feed_items(author_slug=obj.slug)


class SeriesFeed(LatestPublicationsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Series, slug=slug)

    def title(self, obj=None):
        return f"{settings.FOLIO_SITE_NAME}: {obj.title}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return f"Reports in the series {obj.title}."

    def items(self, obj=None):
        return feed_items(series_slug=obj.slug)
