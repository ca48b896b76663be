"""The staff export page: every publication, filtered, as CSV, Excel or JSON."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from publications.admin.exports import export_response
from publications.exports import FORMATS
from publications.filters import PublicationFilters
from publications.resources import COLUMNS, CONTENT_COLUMNS
from publications.roles import may_export

# What each column holds, shown on the page beside its name; the names and
# their order are COLUMNS, the header every format writes, then
# CONTENT_COLUMNS when the export is with content.
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
    "teaser": _("teaser"),
    "about": _("About the report, as HTML"),
    "body": _("body, as HTML"),
    "summary_points": _("summary points, one a line"),
    "unpublish_date": _("date and time it leaves the site, if any"),
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


class ExportOptionsForm(forms.Form):
    """How the file is written, apart from which publications it lists."""

    with_content = forms.BooleanField(
        label=_("With content"),
        required=False,
        help_text=_(
            "Adds the columns an import needs to publish live items on another "
            "site: teaser, About, body, summary points and unpublish date."
        ),
    )


@require_safe
def publication_export_view(request):
    """Show the export filters, or send the file when a format is chosen."""
    if not may_export(request.user):
        raise PermissionDenied
    form = PublicationExportForm(request.GET)
    options = ExportOptionsForm(request.GET)
    file_format = request.GET.get("download")
    count = None
    if form.is_valid() and options.is_valid():
        publications = form.publications()
        if file_format in FORMATS:
            return export_response(
                publications,
                file_format,
                filename_stem="publications",
                with_content=options.cleaned_data["with_content"],
            )
        count = publications.count()
    context = {
        **admin.site.each_context(request),
        "title": _("Export publications"),
        "form": form,
        "options": options,
        "count": count,
        "columns": [(name, COLUMN_NOTES.get(name, "")) for name in COLUMNS],
        "content_columns": [
            (name, COLUMN_NOTES.get(name, "")) for name in CONTENT_COLUMNS
        ],
        "formats": [("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("json", "JSON")],
    }
    return TemplateResponse(request, "admin/publications/export.html", context)
