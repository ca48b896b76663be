"""Inlines edited on a publication's page, each reordered by dragging."""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from publications.models import Authorship, PinnedPublication, SummaryPoint


class NamedControlsFormSet(BaseInlineFormSet):
    """Give each control of a tabular row its column's name.

    A tabular inline names its columns in the table head, which labels no
    control: without a name of its own, a screen reader announces a bare
    text box, select or checkbox (WCAG 2.2, 4.1.2 Name, Role, Value).
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if field.widget.is_hidden:
                continue
            # The admin's related-object wrapper renders the widget it wraps.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs.setdefault("aria-label", str(field.label))


class SortableTabularInline(admin.TabularInline):
    """A tabular inline whose rows are ordered by their ``position`` field.

    static/folio-admin/sortable-inlines.js turns the position column into a
    drag handle with "move up" and "move down" buttons and renumbers the
    positions before the form is sent. Without JavaScript the numbers stay
    editable.
    """

    classes = ("folio-sortable",)
    formset = NamedControlsFormSet

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
