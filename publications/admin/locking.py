"""Published items change only through those who may publish.

A contributor's edit to a live or scheduled item would be public without
review, so for users without ``publications.publish_publication`` a
published report or related publication is read-only on every admin path:
the change form and its inlines, the bulk and change-form actions, and the
restoring of an earlier version.
"""

import dataclasses
import functools

from django.contrib import messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from publications.models import Publication
from publications.roles import may_change, may_publish
from publications.states import State

# Actions that only read: they run on every selected item.
READING_PERMISSIONS = {"view", "export"}

_LOCKED_NOTICES = {
    State.LIVE: _("This %(item)s is live: only an editor can change it."),
    State.SCHEDULED: _(
        "This %(item)s is scheduled to go live: only an editor can change it."
    ),
    State.EXPIRED: _(
        "This %(item)s is published, though past its unpublish date: only an "
        "editor can change it."
    ),
}


def locked_notice(publication):
    """Return the plain-words reason *publication* is read-only for a contributor."""
    state = publication.state()
    notice = _LOCKED_NOTICES.get(state, _LOCKED_NOTICES[State.LIVE])
    return notice % {"item": publication._meta.verbose_name}


class PublishedLockMixin:
    """Make published items read-only for users who may not publish."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    def is_locked_for(self, request, obj):
        """Return True if only the item's published status keeps *request* out."""
        return (
            obj is not None
            and not may_change(request.user, obj)
            and super().has_change_permission(request, obj)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        refused, extra_context = self._check_lock(
            request,
            object_id,
            extra_context,
            # "Save as new" adds a draft copy and leaves the item as it is.
            copying="_saveasnew" in request.POST,
        )
        if refused:
            return refused
        return super().change_view(request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Checked before the old version is written back: a refused restore
        # must not reach the view that keeps the reverted rows on a redirect
        # (which "save as new" would give, after reverting the item itself).
        refused, extra_context = self._check_lock(request, object_id, extra_context)
        if refused:
            return refused
        return super().revision_view(request, object_id, version_id, extra_context)

    def _check_lock(self, request, object_id, extra_context, *, copying=False):
        """Return (a refusal for a POST, the page's context) for a locked item.

        The page is read-only through has_change_permission, which is asked
        again under the row lock of the save; this earlier check only lets a
        refused save say why instead of answering 403.
        """
        if copying or may_publish(request.user):
            return None, extra_context
        obj = self.get_object(request, unquote(object_id))
        if not self.is_locked_for(request, obj):
            return None, extra_context
        notice = locked_notice(obj)
        if request.method == "POST":
            self.message_user(
                request, f"{notice} {_('Nothing was saved.')}", messages.ERROR
            )
            return HttpResponseRedirect(request.path), extra_context
        return None, {**(extra_context or {}), "locked_notice": notice}

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if may_publish(request.user):
            return actions
        return {name: _on_unpublished_only(action) for name, action in actions.items()}


def _on_unpublished_only(action):
    """Return *action* running only on the selected items that are not published."""
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
