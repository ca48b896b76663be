"""The pages of an item's unpublished changes: compare, publish, discard.

Also the words the admin uses for what a save did (publications.admin.drafts).
"""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
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
from publications.roles import may_publish
from publications.states import State

# Where staff preview an item's unpublished changes: at its own address.
PREVIEW_QUERY = "?preview=draft"


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


class _Missing(Exception):
    """No item with that id, or none the user may see."""


class DraftPagesMixin:
    """The comparison page, and publishing or discarding the changes from it."""

    def _url(self, live, view):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}",
            args=[live.pk],
        )

    def get_urls(self):
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}"
        view = functools.partial(_found_or_told, self)
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
            raise _Missing
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


def _found_or_told(model_admin, view):
    """Return *view* as an admin view that tells of a missing item, not fails."""

    @functools.wraps(view)
    def wrapper(request, object_id):
        try:
            return view(request, object_id)
        except _Missing:
            model_admin.message_user(
                request,
                _("No such item: it may have been deleted."),
                messages.WARNING,
            )
            opts = model_admin.opts
            return redirect(
                f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}"
                "_changelist"
            )

    return model_admin.admin_site.admin_view(wrapper)
