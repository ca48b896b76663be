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


class _LatestBySql:
    """Find a section's newest lastmod in SQL, for the sitemap index.

    Sitemap.get_latest_lastmod() calls lastmod() on every item: 100,000
    rows read into objects for one date.
    """

    def latest(self):
        """Return {name: Max(...)} over latest_source() (one SQL query)."""
        return {"updated_at": Max("updated_at")}

    def latest_source(self):
        return self.items()

    def get_latest_lastmod(self):
        latest = self.latest_source().aggregate(**self.latest())
        return max((value for value in latest.values() if value), default=None)


class PublicationSitemap(_LatestBySql, Sitemap):
    changefreq = "monthly"
    priority = 0.8
    # Smaller files than the protocol's 50,000 URLs each: quicker to build.
    limit = 10_000

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


class AuthorSitemap(_LatestBySql, Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def latest_source(self):
        return Author.objects.filter(_live_filter("authorships__publication"))

    def latest(self):
        return {
            "updated_at": Max("updated_at"),
            "published": Max("authorships__publication__updated_at"),
        }

    def items(self):
        return (
            Author.objects.filter(_live_filter("authorships__publication"))
            .annotate(last_published=Max("authorships__publication__updated_at"))
            .order_by("name", "id")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.last_published)


class SeriesSitemap(_LatestBySql, Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def latest_source(self):
        return Series.objects.all()

    def latest(self):
        return {
            "updated_at": Max("updated_at"),
            "published": Max("reports__updated_at", filter=_live_filter("reports")),
        }

    def items(self):
        return Series.objects.annotate(
            last_published=Max("reports__updated_at", filter=_live_filter("reports"))
        ).order_by("title", "id")

    def lastmod(self, item):
        if item.last_published is None:
            return item.updated_at
        return max(item.updated_at, item.last_published)


class TopicSitemap(_LatestBySql, Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def latest_source(self):
        return Tag.objects.filter(_live_filter("publication"))

    def latest(self):
        return {"published": Max("publication__updated_at")}

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
