"""The Author admin: editable with edit-conflict checks and restorable versions."""

import reversion
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from authors.models import Author
from core.admin.conflicts import VersionedAdminMixin
from core.admin.history import PlainHistoryAdmin
from core.admin.links import admin_links
from core.admin.widgets import ADMIN_FORMFIELD_OVERRIDES

if not reversion.is_registered(Author):
    # The edit version goes on from its current value after a restore; the
    # photo's size is read again from the restored photo.
    reversion.register(Author, exclude=("version", "photo_width", "photo_height"))


@admin.register(Author)
class AuthorAdmin(VersionedAdminMixin, PlainHistoryAdmin):
    list_display = (
        "photo_thumbnail",
        "name",
        "family_name",
        "position",
        "affiliation",
        "usage",
    )
    list_display_links = ("name",)
    search_fields = ("name", "family_name", "position", "affiliation", "email")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = ADMIN_FORMFIELD_OVERRIDES
    fieldsets = (
        (
            _("Name"),
            {
                "fields": ("name", "given_names", "family_name", "slug"),
                "description": _(
                    "Citations, Google Scholar and the authors index file an "
                    'author under the family name: "Wu Xinbo" has the family '
                    'name "Wu" and the given name "Xinbo"; "Anna van der '
                    'Berg" has the family name "van der Berg". For someone '
                    "known by one name, put it in the family name alone."
                ),
            },
        ),
        (
            None,
            {
                "fields": (
                    "position",
                    "affiliation",
                    "bio",
                    "edit_version",
                )
            },
        ),
        (_("Photo"), {"fields": ("photo", "photo_alt")}),
        (_("Contact"), {"fields": ("website", "email")}),
        (
            _("Record"),
            {"fields": ("created_at", "updated_at"), "classes": ("collapse",)},
        ),
    )

    class Media:
        css = {"all": ("folio-admin/admin.css",)}
        js = ("folio-admin/accessible-names.js",)

    def get_queryset(self, request):
        # A grouped query drops Meta.ordering, so order it again.
        return (
            super()
            .get_queryset(request)
            .annotate(usage=Count("authorships"))
            .order_by("name", "pk")
        )

    @admin.display(description=_("photo"))
    def photo_thumbnail(self, author):
        if not author.photo:
            return ""
        return format_html(
            '<img class="folio-thumbnail folio-portrait" src="{}" alt="" '
            'width="48" height="48" loading="lazy">',
            author.photo.url,
        )

    @admin.display(description=_("publications"), ordering="usage")
    def usage(self, author):
        return author.usage

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        if protected:
            # Django names the protecting Authorship rows; name the publications.
            publications = {
                authorship.publication.specific
                for author in objs
                for authorship in author.authorships.select_related(
                    "publication__report", "publication__relatedpublication"
                )
            }
            protected = admin_links(
                request,
                self.admin_site,
                sorted(publications, key=lambda publication: publication.title),
            )
        return deleted, model_count, perms_needed, protected
