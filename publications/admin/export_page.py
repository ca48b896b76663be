"""The staff export page: every publication, filtered, as CSV, Excel or JSON."""

from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from taggit.models import Tag

from authors.models import Author
from publications.admin.exports import export_response
from publications.exports import FORMATS, STATUS_CHOICES, publications_in_status
from publications.models import PublicationType, Series
from publications.roles import may_export
from publications.selectors import filter_publications
from publications.states import State


class PublicationExportForm(forms.Form):
    """The public listing's filters, a year range and the status, all optional."""

    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False
    )
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    type = forms.ModelChoiceField(
        PublicationType.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Type"),
        empty_label=_("All types"),
    )
    topic = forms.ModelChoiceField(
        Tag.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        label=_("Topic"),
        empty_label=_("All topics"),
    )
    series = forms.ModelChoiceField(
        Series.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Series"),
        empty_label=_("All series"),
    )
    author = forms.ModelChoiceField(
        Author.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Author"),
        empty_label=_("All authors"),
    )
    year_from = forms.IntegerField(
        label=_("From year"), min_value=1000, max_value=2999, required=False
    )
    year_to = forms.IntegerField(
        label=_("To year"), min_value=1000, max_value=2999, required=False
    )

    def clean(self):
        cleaned_data = super().clean()
        year_from, year_to = cleaned_data.get("year_from"), cleaned_data.get("year_to")
        if year_from and year_to and year_from > year_to:
            raise forms.ValidationError(
                _("The first year must not be after the last year.")
            )
        return cleaned_data

    def publications(self):
        """Return the matching publications, newest first (form must be valid)."""
        data = self.cleaned_data
        year_from, year_to = data.get("year_from"), data.get("year_to")
        return filter_publications(
            publications_in_status(data.get("status") or State.LIVE),
            type_slug=_slug(data.get("type")),
            topic_slug=_slug(data.get("topic")),
            series_slug=_slug(data.get("series")),
            author_slug=_slug(data.get("author")),
            since=date(year_from, 1, 1) if year_from else None,
            until=date(year_to, 12, 31) if year_to else None,
            query=data.get("q"),
        ).newest_first()


def _slug(instance):
    return instance.slug if instance is not None else None


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
        "formats": [("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("json", "JSON")],
    }
    return TemplateResponse(request, "admin/publications/export.html", context)
