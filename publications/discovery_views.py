"""Views for machines: robots.txt, the sitemap index and citation downloads."""

from django.contrib.sitemaps.views import SitemapIndexItem
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from core.links import absolute_url
from publications.citations import bibtex_entry, ris_entry
from publications.models import Report
from publications.sitemaps import SITEMAPS


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    """Keep crawlers out of the admin and point them at the sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
def sitemap_index(request):
    """List every sitemap file with its section's newest lastmod.

    Django's index view builds the files' URLs from the request's host and
    scheme; these start at FOLIO_SITE_URL, as the sections' locations do.
    """
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        url = absolute_url(reverse("sitemap-section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(url, lastmod))
        entries += [
            SitemapIndexItem(f"{url}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    lastmods = [entry.last_mod for entry in entries]
    headers = None
    if lastmods and None not in lastmods:
        # As Django's index does, for ConditionalGetMiddleware's 304s.
        headers = {"Last-Modified": http_date(max(lastmods).timestamp())}
    response = TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers=headers,
    )
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def _live_report(slug):
    report = get_object_or_404(
        Report.objects.live().select_related("publication_type"), slug=slug
    )
    authors = [a.author for a in report.authorships.select_related("author")]
    return report, authors


def _download(content, *, filename, content_type):
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def report_bibtex(request, slug):
    """Download a live report's citation as BibTeX (@techreport)."""
    report, authors = _live_report(slug)
    url = absolute_url(report.get_absolute_url())
    return _download(
        bibtex_entry(report, authors=authors, url=url),
        filename=f"{report.slug}.bib",
        content_type="application/x-bibtex",
    )


@require_safe
def report_ris(request, slug):
    """Download a live report's citation as RIS (TY  - RPRT)."""
    report, authors = _live_report(slug)
    return _download(
        ris_entry(
            report,
            authors=authors,
            url=absolute_url(report.get_absolute_url()),
            pdf_url=absolute_url(report.pdf_url),
        ),
        filename=f"{report.slug}.ris",
        content_type="application/x-research-info-systems",
    )
