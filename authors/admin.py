import reversion
from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Count, F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from authors.models import Author
from core.held_uploads import HeldAdminFileWidget, HoldsUploadsFormMixin
from core.richtext import EDITOR_EXTENSIONS, RichTextField
from core.uploads import CleanImageField

ADMIN_FORMFIELD_OVERRIDES = {
    RichTextField: {
        "widget": AdminTextareaWidget,
        "config": {"extensions": EDITOR_EXTENSIONS},
    },
    # A chosen image survives a save refused for another field.
    CleanImageField: {"widget": HeldAdminFileWidget},
}


class EditConflict(Exception):
    """The stored version moved on between the form's check and the save."""


def describe_last_change(instance, *, viewer=None):
    """Return "Ann Editor on 3 May 2026 at 14:05" for *instance*'s latest save.

    The admin's log names who saved; a change made outside the admin (a
    command, the shell) is attributed to no one, at the time it was stored.
    """
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=str(instance.pk),
        )
        .select_related("user")
        .order_by("-action_time", "-pk")
        .first()
    )
    updated_at = getattr(instance, "updated_at", None)
    if entry is None or (updated_at and entry.action_time < updated_at):
        who, when = _("someone outside the admin"), updated_at
    elif viewer is not None and entry.user_id == viewer.pk:
        who, when = _("you (in another tab or window)"), entry.action_time
    else:
        who = entry.user.get_full_name() or entry.user.get_username()
        when = entry.action_time
    if when is None:
        return str(who)
    local = timezone.localtime(when)
    return _("%(who)s on %(date)s at %(time)s") % {
        "who": who,
        "date": date_format(local, "j F Y"),
        "time": date_format(local, "H:i"),
    }


class VersionedModelForm(HoldsUploadsFormMixin, forms.ModelForm):
    """A model form that refuses, once, to save over a save made since it opened.

    The hidden ``edit_version`` holds the version the editor started from. If
    the stored version has moved on, the form is invalid and keeps what the
    editor typed; it then carries the newer version, so saving again replaces
    the other change knowingly.
    """

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # The user the form is shown to; set by VersionedAdminMixin.get_form().
    viewer = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        self._check_edit_conflict(cleaned_data)
        return cleaned_data

    def _check_edit_conflict(self, cleaned_data):
        started_from = cleaned_data.get("edit_version")
        current = self.instance.version
        if self.instance.pk is None or started_from in (None, current):
            return
        self.data = self.data.copy()
        self.data[self.add_prefix("edit_version")] = current
        self.add_error(
            None,
            ValidationError(
                _(
                    "This %(item)s was changed by %(change)s, after you opened "
                    "it. Your edits below have not been saved. Open the %(item)s "
                    "in a new tab to see the other version; save again to "
                    "replace it with yours."
                ),
                code="edit_conflict",
                params={
                    "item": self.instance._meta.verbose_name,
                    "change": describe_last_change(self.instance, viewer=self.viewer),
                },
            ),
        )


class VersionedAdminMixin:
    """Optimistic concurrency for a model admin whose model has ``version``.

    The form compares the version the editor started from with the stored
    one while the row is locked (SELECT ... FOR UPDATE, inside the save's
    transaction), and the save moves the version on only from the number it
    checked (UPDATE ... WHERE version = n). Two simultaneous saves cannot
    both pass: the second waits for the first, then sees its version.
    """

    form = VersionedModelForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.viewer = request.user  # a class made for this request
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # A read-only page has no form whose save could clash.
        return [
            (name, {**options, "fields": _without_edit_version(options["fields"])})
            for name, options in fieldsets
        ]

    def get_object(self, request, object_id, from_field=None):
        if request.method == "POST" and from_field is None:
            self.lock_for_saving(object_id)
        return super().get_object(request, object_id, from_field)

    def lock_for_saving(self, object_id):
        """Lock the row holding the version until the transaction ends."""
        if not transaction.get_connection(
            router.db_for_write(self.model)
        ).in_atomic_block:
            return
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
            list(
                self.version_model()
                ._base_manager.select_for_update()
                .filter(pk=pk)
                .values_list("pk", flat=True)
            )
        except (ValidationError, ValueError):
            pass

    def version_model(self):
        """Return the model whose table holds ``version`` (a parent, for reports)."""
        return self.model._meta.get_field("version").model

    def save_model(self, request, obj, form, change):
        if change:
            claimed = (
                self.version_model()
                ._base_manager.filter(pk=obj.pk, version=obj.version)
                .update(version=F("version") + 1)
            )
            if not claimed:
                raise EditConflict
            obj.version += 1
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Someone saved between the check and the write (possible where the
            # database cannot lock rows): the form, built again, reports it.
            return super().changeform_view(request, object_id, form_url, extra_context)


def _without_edit_version(fields):
    return tuple(field for field in fields if field != "edit_version")


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


class PlainHistoryAdmin(VersionAdmin):
    """Every admin save keeps a version, restorable from the History page."""

    history_latest_first = True
    object_history_template = "admin/folio/object_history.html"
    revision_form_template = "admin/folio/revision_form.html"

    def revision_view(self, request, object_id, version_id, extra_context=None):
        restored = (
            Version.objects.filter(pk=version_id, object_id=unquote(object_id))
            .select_related("revision__user")
            .first()
        )
        context = {"restored_revision": restored and restored.revision}
        return super().revision_view(
            request, object_id, version_id, {**context, **(extra_context or {})}
        )


if not reversion.is_registered(Author):
    # The edit version goes on from its current value after a restore.
    reversion.register(Author, exclude=("version",))


@admin.register(Author)
class AuthorAdmin(VersionedAdminMixin, PlainHistoryAdmin):
    list_display = ("photo_thumbnail", "name", "position", "affiliation", "usage")
    list_display_links = ("name",)
    search_fields = ("name", "position", "affiliation", "email")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = ADMIN_FORMFIELD_OVERRIDES
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
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
