"""Unpublished changes to published items in the admin (publications.drafts).

A save of a published report or related publication goes to the item's
draft when the user may not publish, chose "Save draft", or restored an
earlier version; the published row stays as it is. While a draft exists,
the item's change page edits it and says so, with a preview, a comparison,
and "Publish" for those who may publish. The change list shows one row per
item.
"""

import dataclasses
import functools

from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR, ActionLocation
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.links import absolute_url
from publications import drafts
from publications.models import Publication
from publications.roles import may_publish
from publications.states import State

# The hidden field saying which row a change form was opened on.
EDITING_FIELD = "_editing"
PREVIEW_QUERY = "?preview=draft"
# Actions that only read: they run on every selected item.
READING_PERMISSIONS = {"view", "export"}


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


def saved_message(publication):
    """Return what a save made of *publication*, in the editors' words."""
    state = publication.state()
    if state == State.LIVE:
        url = absolute_url(publication.public_url)
        return format_html(
            '{} <a href="{}">{}</a>', _("Published: now live at"), url, url
        )
    if state == State.SCHEDULED:
        when = date_format(timezone.localtime(publication.publish_at), "j F Y, H:i")
        return _("Scheduled for %(when)s") % {"when": when}
    if state == State.EXPIRED:
        return _("Saved. Not on the site: its unpublish date has passed.")
    return _("Draft saved")


def draft_saved_message(live):
    return format_html(
        '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
        _(
            "Draft saved. The site keeps showing the published version until "
            "the changes are published."
        ),
        live.get_absolute_url() + PREVIEW_QUERY,
        _("Preview the changes"),
    )


def state_badge(publication):
    """Return the state badge of *publication*, and of its unpublished changes."""
    item = publication.draft_of if publication.draft_of_id else publication
    state = item.state() if item.pk else State.DRAFT
    badge = format_html(
        '<span class="folio-state folio-state-{}">{}</span>', state.value, state.label
    )
    if publication.draft_of_id or getattr(publication, "has_draft", False):
        badge = format_html(
            '{} <span class="folio-state folio-state-draft">{}</span>',
            badge,
            _("Unpublished changes"),
        )
    return badge


class DraftAdminMixin:
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
        stored = Publication.objects.filter(pk=obj.pk).values("status").first()
        if stored is None or stored["status"] != Publication.Status.PUBLISHED:
            return False
        return (
            getattr(request, "folio_restoring", False)
            or "_savedraft" in request.POST
            or not may_publish(request.user)
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
                live = drafts.publish_draft(draft, user=request.user)
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

    def _url(self, live, view):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}",
            args=[live.pk],
        )

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
                "preview_url": live.get_absolute_url()
                + (PREVIEW_QUERY if draft is not None else ""),
            }
        return extra

    # The comparison, and publishing or discarding from it

    def get_urls(self):
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/changes/",
                view(self.compare_view),
                name=f"{name}_changes",
            ),
            path(
                "<path:object_id>/changes/publish/",
                view(require_POST(self.publish_changes_view)),
                name=f"{name}_publish_changes",
            ),
            path(
                "<path:object_id>/changes/discard/",
                view(require_POST(self.discard_changes_view)),
                name=f"{name}_discard_changes",
            ),
            *super().get_urls(),
        ]

    def compare_view(self, request, object_id):
        live, draft = self._item_and_draft(request, object_id)
        if not self.has_view_or_change_permission(request, live):
            raise PermissionDenied
        if draft is None:
            return self._no_changes(request, live)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": live,
            "title": _("Unpublished changes to “%(title)s”") % {"title": live.title},
            "changes": drafts.changed_fields(draft, live),
            "preview_url": live.get_absolute_url() + PREVIEW_QUERY,
            "change_url": self._url(live, "change"),
            "publish_url": self._url(live, "publish_changes")
            if may_publish(request.user)
            else "",
            "discard_url": self._url(live, "discard_changes")
            if self.has_change_permission(request, live)
            else "",
            "draft_version": draft.version,
        }
        return TemplateResponse(
            request, "admin/publications/draft_compare.html", context
        )

    def publish_changes_view(self, request, object_id):
        live, draft = self._item_and_draft(request, object_id)
        if not may_publish(request.user):
            raise PermissionDenied
        if draft is None:
            return self._no_changes(request, live)
        if request.POST.get("draft_version") != str(draft.version):
            self.message_user(
                request,
                _(
                    "The changes were edited again after you opened the page. "
                    "Nothing was published: check them and publish again."
                ),
                messages.ERROR,
            )
            return redirect(self._url(live, "changes"))
        try:
            with transaction.atomic():
                live = drafts.publish_draft(draft, user=request.user)
                self.log_change(request, live, _("Published the unpublished changes."))
        except drafts.DraftError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, saved_message(live), messages.SUCCESS)
        return redirect(self._url(live, "change"))

    def discard_changes_view(self, request, object_id):
        live, draft = self._item_and_draft(request, object_id)
        if not self.has_change_permission(request, live):
            raise PermissionDenied
        if draft is None:
            return self._no_changes(request, live)
        try:
            with transaction.atomic():
                drafts.discard_draft(draft)
                self.log_change(request, live, _("Discarded the unpublished changes."))
        except drafts.DraftError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Unpublished changes discarded: the item is as published."),
                messages.SUCCESS,
            )
        return redirect(self._url(live, "change"))

    def _item_and_draft(self, request, object_id):
        live = self.get_object(request, object_id)
        if live is None:
            raise PermissionDenied  # not found, or not theirs to see
        return live, drafts.draft_of_item(live)

    def _no_changes(self, request, live):
        self.message_user(
            request,
            _(
                "This item has no unpublished changes: they were published or "
                "discarded already."
            ),
            messages.WARNING,
        )
        return redirect(self._url(live, "change"))

    # Actions

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if may_publish(request.user):
            return actions
        return {name: _on_unpublished_only(action) for name, action in actions.items()}


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


def _on_unpublished_only(action):
    """Return *action* running only on the selected items that are not published.

    Those who may not publish change a published item through its draft;
    an action would change it on the site.
    """
    func = action[0] if isinstance(action, tuple) else action.func
    permissions = set(getattr(func, "allowed_permissions", ()))
    if permissions and permissions <= READING_PERMISSIONS:
        return action

    @functools.wraps(func)
    def guarded(modeladmin, request, queryset):
        published = Q(status=Publication.Status.PUBLISHED)
        if queryset.filter(published).exists():
            modeladmin.message_user(
                request,
                _(
                    "Published items were left as they were: only an editor "
                    "can change them."
                ),
                messages.WARNING,
            )
        return func(modeladmin, request, queryset.exclude(published))

    if isinstance(action, tuple):
        return (guarded, *action[1:])
    return dataclasses.replace(action, func=guarded)
