"""Views for machines: robots.txt and citation downloads."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from core.links import absolute_url
from publications.citations import bibtex_entry, ris_entry
from publications.models import Report


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
    pdf_url = ""
    if report.pdf:
        pdf_url = absolute_url(
            reverse("publications:report-pdf", kwargs={"slug": report.slug})
        )
    return _download(
        ris_entry(
            report,
            authors=authors,
            url=absolute_url(report.get_absolute_url()),
            pdf_url=pdf_url,
        ),
        filename=f"{report.slug}.ris",
        content_type="application/x-research-info-systems",
    )
