"""Unpublished changes to published items in the admin (publications.drafts).

A save of a published report or related publication goes to the item's
draft when the user may not publish, chose "Save draft", or restored an
earlier version; the published row stays as it is. While a draft exists,
the item's change page edits it and says so, with a preview, a comparison,
and "Publish" for those who may publish. The change list shows one row per
item.
"""

import dataclasses

from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from publications import drafts
from publications.admin.draft_pages import (
    PREVIEW_QUERY,
    DraftPagesMixin,
    draft_saved_message,
    saved_message,
)
from publications.admin.published_actions import UnpublishedOnlyActionsMixin
from publications.models import Publication
from publications.roles import may_change, may_publish

# The hidden field saying which row a change form was opened on.
EDITING_FIELD = "_editing"


class _StaleForm(Exception):
    """The form was opened on a row that is no longer the one to edit."""


@dataclasses.dataclass
class _PendingDraft:
    """A validated save of a published item, on its way to the item's draft."""

    instance: Publication
    tags: list | None
    rows: dict = dataclasses.field(default_factory=dict)

    def apply(self):
        """Write the save into the item's draft, made if needed; return the draft."""
        with transaction.atomic():
            draft = drafts.draft_for(self.instance)
            drafts.copy_content(self.instance, draft)
            draft.version += 1
            draft.save()
            drafts.copy_parts(self.instance, draft, rows=self.rows, tags=self.tags)
            return draft


class DraftAdminMixin(DraftPagesMixin, UnpublishedOnlyActionsMixin):
    """Edit published items through their drafts (see the module docstring)."""

    # Which row a page shows

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(draft_of=None)
            .annotate(
                has_draft=Exists(Publication.objects.filter(draft_of=OuterRef("pk")))
            )
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        request.folio_edits_draft = True
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except _StaleForm:
            self.message_user(
                request,
                _(
                    "Someone saved, published or discarded changes to this item "
                    "after you opened it. Nothing was saved: open it again and "
                    "redo your edits on what is there now."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None or not getattr(request, "folio_edits_draft", False):
            return obj
        draft = drafts.draft_of_item(obj)
        posted = request.POST.get(EDITING_FIELD) if request.method == "POST" else None
        if posted is not None and posted != _editing_value(draft):
            raise _StaleForm
        if draft is None:
            return obj
        draft.draft_of = obj
        # A draft shows the item's own dates: publishing keeps them.
        for name in ("publish_at", "unpublish_at"):
            setattr(draft, name, getattr(obj, name))
        return draft

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.draft_of_id:
            return fieldsets
        result = []
        for name, options in fieldsets:
            fields = tuple(
                "item_address" if field == "slug" else field
                for field in options["fields"]
                if field != "status"
            )
            options = {**options, "fields": fields}
            if "publish_at" in fields:
                options["description"] = _(
                    "The published item's dates: publishing the changes keeps "
                    "them. Change them on the item once the changes are "
                    "published or discarded."
                )
            result.append((name, options))
        return result

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.draft_of_id:
            fields += ("item_address", "status", "publish_at", "unpublish_at")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.draft_of_id:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def item_address(self, publication):
        return publication.get_absolute_url()

    item_address.short_description = _("address")

    # Saving

    def save_model(self, request, obj, form, change):
        if change and self._goes_to_draft(request, obj):
            request.folio_pending_draft = _PendingDraft(
                instance=obj, tags=form.cleaned_data.get("tags")
            )
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        pending = getattr(request, "folio_pending_draft", None)
        if pending is None:
            return super().save_related(request, form, formsets, change)
        for formset in formsets:
            for part in drafts.PARTS:
                if formset.model is part.model and formset.fk.name == part.fk:
                    pending.rows[part] = _kept_rows(formset)
        if not getattr(request, "folio_restoring", False):
            request.folio_saved_draft = pending.apply()
        return None

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "folio_pending_draft", None) is not None:
            return _("Saved unpublished changes.")
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        # The item's history tells of its draft's saves.
        if obj.draft_of_id:
            obj, message = obj.draft_of, _("Saved unpublished changes.")
        return super().log_change(request, obj, message)

    def _goes_to_draft(self, request, obj):
        """Return True if a save of *obj* is to go to the item's draft."""
        if obj.draft_of_id or obj.pk is None:
            return False
        stored = Publication.objects.only("status").filter(pk=obj.pk).first()
        if stored is None or stored.status != Publication.Status.PUBLISHED:
            return False
        return (
            getattr(request, "folio_restoring", False)
            or "_savedraft" in request.POST
            or not may_change(request.user, stored)
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Restoring a published item fills its draft: the old version is put
        # back and saved through the form as usual, then undone once the
        # form's content is in hand, and written into the draft.
        request.folio_restoring = True
        if request.method != "POST":
            return super().revision_view(request, object_id, version_id, extra_context)
        with transaction.atomic():
            restore_point = transaction.savepoint_create()
            response = super().revision_view(
                request, object_id, version_id, extra_context
            )
            pending = getattr(request, "folio_pending_draft", None)
            if pending is None:
                transaction.savepoint_commit(restore_point)
                return response
            transaction.savepoint_rollback(restore_point)
            draft = pending.apply()
            self.log_change(
                request, draft.draft_of, _("Restored an earlier version as a draft.")
            )
        return response

    # After a save

    def response_change(self, request, obj):
        if IS_POPUP_VAR in request.POST or "_saveasnew" in request.POST:
            return super().response_change(request, obj)
        pending = getattr(request, "folio_pending_draft", None)
        draft = getattr(request, "folio_saved_draft", None)
        if obj.draft_of_id:
            draft = obj
        if draft is None and pending is None:
            self.message_user(request, saved_message(obj), messages.SUCCESS)
            return self._redirect_after_save(
                request,
                obj,
                to_item="_continue" in request.POST or "_publish" in request.POST,
            )
        live = draft.draft_of if draft is not None else obj
        if (
            draft is not None
            and "_publish" in request.POST
            and may_publish(request.user)
        ):
            try:
                with transaction.atomic():
                    live = drafts.publish_draft(draft, user=request.user)
                    self.log_change(
                        request, live, _("Published the unpublished changes.")
                    )
            except drafts.DraftError as error:
                self.message_user(
                    request,
                    _("Saved as unpublished changes, not published: %(why)s")
                    % {"why": error},
                    messages.ERROR,
                )
            else:
                self.message_user(request, saved_message(live), messages.SUCCESS)
        else:
            self.message_user(request, draft_saved_message(live), messages.SUCCESS)
        return self._redirect_after_save(request, live, to_item=True)

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST or "_saveasnew" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, saved_message(obj), messages.SUCCESS)
        if "_continue" in request.POST or "_publish" in request.POST:
            return self._redirect_after_save(request, obj, to_item=True)
        if "_addanother" in request.POST:
            return self._redirect_after_save(request, obj, to_item=False)
        return self.response_post_save_add(request, obj)

    def _redirect_after_save(self, request, live, *, to_item):
        opts = self.opts
        if "_addanother" in request.POST:
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_add",
                current_app=self.admin_site.name,
            )
        elif to_item:
            url = self._url(live, "change")
        else:
            return self.response_post_save_change(request, live)
        preserved = {
            "preserved_filters": self.get_preserved_filters(request),
            "opts": opts,
        }
        return HttpResponseRedirect(add_preserved_filters(preserved, url))

    # The change form

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None and obj.pk is not None:
            context.update(self._draft_context(request, obj, context))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _draft_context(self, request, obj, context):
        live = obj.draft_of if obj.draft_of_id else obj
        draft = obj if obj.draft_of_id else None
        restoring = getattr(request, "folio_restoring", False)
        can_change = self.has_change_permission(request, obj)
        extra = {"original": live}
        if draft is not None and not restoring:
            extra["unpublished_changes"] = {
                "preview_url": live.get_absolute_url() + PREVIEW_QUERY,
                "compare_url": self._url(live, "changes"),
                "publish_url": self._url(live, "publish_changes")
                if may_publish(request.user)
                else "",
                "discard_url": self._url(live, "discard_changes") if can_change else "",
                "version": draft.version,
            }
        if can_change and not restoring:
            extra["editing_value"] = _editing_value(draft)
        if live.status == Publication.Status.PUBLISHED and can_change:
            extra["restoring_published"] = restoring
            extra["draft_buttons"] = {
                "publish": may_publish(request.user) and not restoring,
                # A published item without changes has "View on site".
                "preview_url": (
                    live.get_absolute_url() + PREVIEW_QUERY if draft is not None else ""
                ),
            }
        return extra


def _editing_value(draft):
    return "item" if draft is None else str(draft.pk)


def _kept_rows(formset):
    """Return the rows of a valid inline *formset* as saving it would leave them."""
    return [
        form.instance
        for form in formset.forms
        if not (formset.can_delete and formset._should_delete_form(form))
        and (form.instance.pk is not None or form.has_changed())
    ]
