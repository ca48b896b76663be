"""Bulk actions of those who may not publish leave published items alone."""

import dataclasses
import functools

from django.contrib import messages
from django.contrib.admin.options import ActionLocation
from django.db.models import Q
from django.utils.translation import gettext as _

from publications.models import Publication
from publications.roles import may_publish

# Actions that only read: they run on every selected item.
READING_PERMISSIONS = {"view", "export"}


class UnpublishedOnlyActionsMixin:
    """Run the changing actions of users who may not publish on drafts only.

    They change a published item through its draft; an action would change
    it on the site.
    """

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if may_publish(request.user):
            return actions
        return {name: _on_unpublished_only(action) for name, action in actions.items()}


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
