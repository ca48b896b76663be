"""Sitemaps of every public page: publications, authors, series and topics."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from taggit.models import Tag

from authors.models import Author
from core.links import site_url, slug_url
from publications.models import Publication, Series
from publications.querysets import with_live_publications


class _SiteSitemap(Sitemap):
    """A sitemap whose locations start at FOLIO_SITE_URL, whatever the request.

    Django's sitemap view passes the request's scheme and host; both are
    ignored, so a stray Host header never reaches a cached sitemap.
    """

    def get_protocol(self, protocol=None):
        return site_url().split("://", 1)[0]

    def get_domain(self, site=None):
        return site_url().split("://", 1)[1]


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


class PublicationSitemap(_LatestBySql, _SiteSitemap):
    changefreq = "monthly"
    priority = 0.8
    # Smaller files than the protocol's 50,000 URLs each: quicker to build.
    limit = 10_000

    def items(self):
        return (
            Publication.objects.live()
            .with_own_page()
            .only("slug", "updated_at")
            .order_by("-publish_at", "-id")
        )

    def lastmod(self, item):
        return item.updated_at


class AuthorSitemap(_LatestBySql, _SiteSitemap):
    changefreq = "monthly"
    priority = 0.5

    def latest_source(self):
        return Author.objects.filter(with_live_publications("publications"))

    def latest(self):
        return {
            "updated_at": Max("updated_at"),
            "published": Max("publications__updated_at"),
        }

    def items(self):
        return (
            # Filtering before annotating makes Max see live publications only.
            Author.objects.filter(with_live_publications("publications"))
            .annotate(last_published=Max("publications__updated_at"))
            .order_by("name", "id")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.last_published)


class SeriesSitemap(_LatestBySql, _SiteSitemap):
    changefreq = "monthly"
    priority = 0.6

    def latest_source(self):
        return Series.objects.filter(with_live_publications("reports"))

    def latest(self):
        return {
            "updated_at": Max("updated_at"),
            "published": Max("reports__updated_at"),
        }

    def items(self):
        return (
            Series.objects.filter(with_live_publications("reports"))
            .annotate(last_published=Max("reports__updated_at"))
            .order_by("title", "id")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.last_published)


class TopicSitemap(_LatestBySql, _SiteSitemap):
    changefreq = "weekly"
    priority = 0.5

    def latest_source(self):
        return Tag.objects.filter(with_live_publications("publication"))

    def latest(self):
        return {"published": Max("publication__updated_at")}

    def items(self):
        return (
            # Filtering before annotating makes Max see live publications only.
            Tag.objects.filter(with_live_publications("publication"))
            .annotate(lastmod=Max("publication__updated_at"))
            .order_by("name", "id")
        )

    def location(self, item):
        return slug_url("publications:topic-detail", item.slug)

    def lastmod(self, item):
        return item.lastmod


SITEMAPS = {
    "publications": PublicationSitemap,
    "authors": AuthorSitemap,
    "series": SeriesSitemap,
    "topics": TopicSitemap,
}
