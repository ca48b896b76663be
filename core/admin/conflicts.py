"""Edit conflicts: a save never silently replaces a save made since the form opened.

A model taking part has a ``version`` field; its admin mixes in
VersionedAdminMixin and its form is (or extends) VersionedModelForm.
"""

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.held_uploads import HoldsUploadsFormMixin


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
