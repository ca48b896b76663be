"""The publications app's admin: its models; taggit's tags as topics in topics.py.

What the Report and RelatedPublication admins share is in base.py and the
modules it names; the staff export and import pages are in export_page.py
and import_page.py.
"""

import reversion
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.admin.conflicts import VersionedAdminMixin
from core.admin.history import PlainHistoryAdmin
from core.admin.links import admin_links
from core.admin.widgets import ADMIN_FORMFIELD_OVERRIDES
from publications.admin import topics  # noqa: F401  (the Topic admin)
from publications.admin.base import PublicationAdminBase
from publications.admin.exports import PublicationExportMixin
from publications.admin.import_page import ImportLinkMixin
from publications.admin.inlines import (
    AuthorshipInline,
    PinnedPublicationInline,
    SummaryPointInline,
)
from publications.admin.report_pdf import ReportPdfAdminMixin
from publications.models import (
    Publication,
    PublicationType,
    RelatedPublication,
    Report,
    Series,
)

_RECORD = (
    _("Record"),
    {"fields": ("created_at", "updated_at"), "classes": ("collapse",)},
)
# Last, next to the buttons that save and publish.
_PUBLISHING = (
    _("Publishing"),
    {"fields": ("current_state", "status", "publish_at", "unpublish_at")},
)


@admin.register(Report)
class ReportAdmin(
    ImportLinkMixin, ReportPdfAdminMixin, PublicationExportMixin, PublicationAdminBase
):
    publication_kind = Publication.Kind.REPORT
    readonly_fields = (*PublicationAdminBase.readonly_fields, "generated_pdf_state")
    actions = (*PublicationAdminBase.actions, "regenerate_pdf")
    list_filter = (
        *PublicationAdminBase.list_filter[:2],
        "series",
        *PublicationAdminBase.list_filter[2:],
    )
    autocomplete_fields = ("series",)
    inlines = (AuthorshipInline, SummaryPointInline, PinnedPublicationInline)
    # In the order an editor works: what it is, who wrote it, what it says,
    # where it belongs, its files, then when it goes out.
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    ("publication_type", "number"),
                    "teaser",
                    "edit_version",
                )
            },
        ),
        (_("Text"), {"fields": ("about", "body")}),
        (_("Topics"), {"fields": ("tags", "new_topics")}),
        (_("Series"), {"fields": (("series", "series_position"),)}),
        (
            _("Cover image and PDF"),
            {"fields": ("image", "image_alt", "pdf", "generated_pdf_state")},
        ),
        _RECORD,
        _PUBLISHING,
    )
    # Authors and summary after the first fieldset, pins after the series.
    inline_places = {"authorships": 1, "summary_points": 1, "pins": 4}

    @admin.display(description=_("type and number"), ordering="number")
    def type_label(self, report):
        return report.type_and_number


@admin.register(RelatedPublication)
class RelatedPublicationAdmin(
    ImportLinkMixin, PublicationExportMixin, PublicationAdminBase
):
    publication_kind = Publication.Kind.RELATED
    inlines = (AuthorshipInline, PinnedPublicationInline)
    fieldsets = (
        (
            None,
            {"fields": ("title", "slug", "publication_type", "teaser", "edit_version")},
        ),
        (
            _("Content"),
            {
                "fields": ("body", "external_url"),
                "description": _("Give a body or an external URL, not both."),
            },
        ),
        (_("Topics"), {"fields": ("tags", "new_topics")}),
        (_("Image"), {"fields": ("image", "image_alt")}),
        _RECORD,
        _PUBLISHING,
    )
    inline_places = {"authorships": 1, "pins": 3}


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Reports and related publications together: the search behind pinning.

    Hidden from the index; an item opened from here (the pinned items' view
    link) goes to the admin of its kind.
    """

    list_display = ("title", "kind", "publication_type", "publish_at")
    list_select_related = ("publication_type",)
    search_fields = ("title", "slug")
    ordering = ("-publish_at", "-id")

    def get_model_perms(self, request):
        return {}

    def get_queryset(self, request):
        # Unpublished changes are reached from their item, never pinned.
        return super().get_queryset(request).filter(draft_of=None)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Asked about the parent row of a report or related publication being
        # deleted: the answer is that of the admin of its kind.
        if obj is None:
            return False
        specific = obj.specific
        model_admin = self.admin_site.get_model_admin(type(specific))
        return model_admin.has_delete_permission(request, specific)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        publication = self.get_object(request, unquote(object_id))
        if publication is None:
            return super().change_view(request, object_id, form_url, extra_context)
        opts = publication.specific._meta
        return redirect(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            publication.pk,
        )


if not reversion.is_registered(Series):
    # The edit version goes on from its current value after a restore.
    reversion.register(Series, exclude=("version",))


@admin.register(Series)
class SeriesAdmin(VersionedAdminMixin, PlainHistoryAdmin):
    list_display = ("title", "commissioned_by", "report_count", "updated_at")
    search_fields = ("title", "commissioned_by")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = ADMIN_FORMFIELD_OVERRIDES
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "commissioned_by",
                    "description",
                    "edit_version",
                )
            },
        ),
        _RECORD,
    )

    class Media:
        css = {"all": ("folio-admin/admin.css",)}
        js = ("folio-admin/accessible-names.js",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_count=Count("reports"))

    @admin.display(description=_("reports"), ordering="report_count")
    def report_count(self, series):
        return series.report_count


@admin.register(PublicationType)
class PublicationTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "position", "usage")
    list_editable = ("position",)
    list_filter = ("kind",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("kind", "position", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(usage=Count("publications"))

    @admin.display(description=_("publications"), ordering="usage")
    def usage(self, publication_type):
        return publication_type.usage

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        if protected:
            # Name each protecting publication as a report or related item.
            publications = Publication.objects.filter(
                publication_type__in=objs
            ).select_related("report", "relatedpublication")
            protected = admin_links(
                request, self.admin_site, [p.specific for p in publications]
            )
        return deleted, model_count, perms_needed, protected
