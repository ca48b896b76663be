"""Change-list filters for the publication admins."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from publications.filters import MAX_YEAR, MIN_YEAR
from publications.models import PublicationType
from publications.states import State


class StateListFilter(admin.SimpleListFilter):
    """Filter by the derived state: draft, scheduled, live or expired."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.in_state(self.value())
        return queryset


class TypeListFilter(admin.SimpleListFilter):
    """Filter by the publication types made for the admin's kind."""

    title = _("type")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        kind = model_admin.publication_kind
        types = PublicationType.objects.filter(kind=kind)
        return [
            (publication_type.slug, publication_type.name) for publication_type in types
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(publication_type__slug=self.value())
        return queryset


class TopicListFilter(admin.SimpleListFilter):
    """Filter by a topic (tag) used by at least one item of the admin's kind."""

    title = _("topic")
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        tags = (
            Tag.objects.filter(
                publications_taggedpublication_items__content_object__kind=(
                    model_admin.publication_kind
                )
            )
            .distinct()
            .order_by("name")
        )
        return [(tag.slug, tag.name) for tag in tags]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


class YearListFilter(admin.SimpleListFilter):
    """Filter by the year of the publish date, newest first."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates(
            "publish_at", "year", order="DESC"
        )
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value() or ""
        # Years the database's date arithmetic handles; others match nothing.
        if value.isdigit() and len(value) <= 4:
            year = int(value)
            if MIN_YEAR <= year <= MAX_YEAR:
                return queryset.filter(publish_at__year=year)
            return queryset.none()
        return queryset
