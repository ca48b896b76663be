from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from authors.models import Author
from core.richtext import EDITOR_EXTENSIONS, RichTextField

RICH_TEXT_OVERRIDES = {
    RichTextField: {
        "widget": AdminTextareaWidget,
        "config": {"extensions": EDITOR_EXTENSIONS},
    }
}


def admin_links(request, admin_site, objects):
    """Return "Report: <title>" lines linking to each object's admin page."""
    lines = []
    for obj in objects:
        opts = obj._meta
        label = capfirst(opts.verbose_name)
        model_admin = admin_site._registry.get(obj.__class__)
        if model_admin and model_admin.has_view_or_change_permission(request, obj):
            try:
                url = reverse(
                    f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=(obj.pk,),
                )
            except NoReverseMatch:
                pass
            else:
                lines.append(format_html('{}: <a href="{}">{}</a>', label, url, obj))
                continue
        lines.append(f"{label}: {obj}")
    return lines


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("photo_thumbnail", "name", "position", "affiliation", "usage")
    list_display_links = ("name",)
    search_fields = ("name", "position", "affiliation", "email")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = RICH_TEXT_OVERRIDES
    fieldsets = (
        (None, {"fields": ("name", "slug", "position", "affiliation", "bio")}),
        (_("Photo"), {"fields": ("photo", "photo_alt")}),
        (_("Contact"), {"fields": ("website", "email")}),
        (
            _("Record"),
            {"fields": ("created_at", "updated_at"), "classes": ("collapse",)},
        ),
    )

    class Media:
        css = {"all": ("folio-admin/admin.css",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(usage=Count("authorships"))

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

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
