"""Inlines edited on a publication's page, each reordered by dragging."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from publications.models import Authorship, PinnedPublication, SummaryPoint


class SortableTabularInline(admin.TabularInline):
    """A tabular inline whose rows are ordered by their ``position`` field.

    static/folio-admin/sortable-inlines.js turns the position column into a
    drag handle with "move up" and "move down" buttons and renumbers the
    positions before the form is sent. Without JavaScript the numbers stay
    editable.
    """

    classes = ("folio-sortable",)

    class Media:
        js = ("folio-admin/sortable-inlines.js",)
        css = {"all": ("folio-admin/admin.css",)}

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "position":
            kwargs["widget"] = forms.NumberInput(
                attrs={"class": "folio-position", "min": 0}
            )
            kwargs["label"] = _("Order")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class AuthorshipInline(SortableTabularInline):
    model = Authorship
    fields = ("position", "author", "role", "affiliation")
    autocomplete_fields = ("author",)
    verbose_name = _("author")
    verbose_name_plural = _("authors (in the order shown)")


class SummaryPointInline(SortableTabularInline):
    model = SummaryPoint
    fields = ("position", "text")
    verbose_name_plural = _("summary (one point per row)")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PinnedPublicationInline(SortableTabularInline):
    model = PinnedPublication
    fk_name = "source"
    fields = ("position", "target")
    autocomplete_fields = ("target",)
    verbose_name = _("pinned related item")
    verbose_name_plural = _("pinned related items (shown first)")

    def get_extra(self, request, obj=None, **kwargs):
        return 0
