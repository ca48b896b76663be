"""Sitemaps of every public page: publications, authors, series and topics."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from taggit.models import Tag

from authors.models import Author
from publications.models import Publication, Series


def _live_filter(prefix):
    """Return a Q matching rows whose related publication (via *prefix*) is live."""
    live_ids = Publication.objects.live().values("pk")
    return Q(**{f"{prefix}__in": live_ids})


class PublicationSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        # Related publications with an external URL have no page of their own.
        return (
            Publication.objects.live()
            .filter(
                Q(relatedpublication__isnull=True)
                | Q(relatedpublication__external_url="")
            )
            .only("slug", "updated_at")
            .order_by("-publish_at", "-id")
        )

    def lastmod(self, item):
        return item.updated_at


class AuthorSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return (
            Author.objects.filter(_live_filter("authorships__publication"))
            .annotate(last_published=Max("authorships__publication__updated_at"))
            .order_by("name", "id")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.last_published)


class SeriesSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Series.objects.annotate(
            last_published=Max("reports__updated_at", filter=_live_filter("reports"))
        ).order_by("title", "id")

    def lastmod(self, item):
        if item.last_published is None:
            return item.updated_at
        return max(item.updated_at, item.last_published)


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return (
            # Filtering before annotating makes Max see live publications only.
            Tag.objects.filter(_live_filter("publication"))
            .annotate(lastmod=Max("publication__updated_at"))
            .order_by("name", "id")
        )

    def location(self, item):
        return reverse("publications:topic-detail", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.lastmod


SITEMAPS = {
    "publications": PublicationSitemap,
    "authors": AuthorSitemap,
    "series": SeriesSitemap,
    "topics": TopicSitemap,
}
