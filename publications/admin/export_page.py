"""The staff export page: every publication, filtered, as CSV, Excel or JSON."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from publications.admin.exports import export_response
from publications.exports import FORMATS
from publications.filters import PublicationFilters
from publications.resources import COLUMNS
from publications.roles import may_export

# What each column holds, shown on the page beside its name; the names and
# their order are COLUMNS, the header every format writes.
COLUMN_NOTES = {
    "kind": _("report or related publication"),
    "type": _("publication type"),
    "number": _("report number, if any"),
    "title": _("title"),
    "slug": _("last part of the address"),
    "authors": _("names, separated by semicolons"),
    "series": _("series title"),
    "topics": _("topics, separated by semicolons"),
    "status": _("draft, scheduled, live or expired"),
    "publish_date": _("date and time it goes or went live"),
    "url": _("public address"),
    "pdf_url": _("address of the PDF, if any"),
}


class PublicationExportForm(PublicationFilters):
    """The public listing's filters, a year range and the status, all optional."""

    filter_names = (
        "status",
        "q",
        "type",
        "topic",
        "series",
        "author",
        "year_from",
        "year_to",
    )
    must_exist = True


@require_safe
def publication_export_view(request):
    """Show the export filters, or send the file when a format is chosen."""
    if not may_export(request.user):
        raise PermissionDenied
    form = PublicationExportForm(request.GET)
    file_format = request.GET.get("download")
    count = None
    if form.is_valid():
        publications = form.publications()
        if file_format in FORMATS:
            return export_response(
                publications, file_format, filename_stem="publications"
            )
        count = publications.count()
    context = {
        **admin.site.each_context(request),
        "title": _("Export publications"),
        "form": form,
        "count": count,
        "columns": [(name, COLUMN_NOTES.get(name, "")) for name in COLUMNS],
        "formats": [("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("json", "JSON")],
    }
    return TemplateResponse(request, "admin/publications/export.html", context)
