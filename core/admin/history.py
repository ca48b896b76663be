"""Saved versions of an object, listed and restorable from its History page."""

from django.contrib.admin.utils import unquote
from reversion.admin import VersionAdmin
from reversion.models import Version


class PlainHistoryAdmin(VersionAdmin):
    """Every admin save keeps a version, restorable from the History page."""

    history_latest_first = True
    object_history_template = "admin/core/object_history.html"
    revision_form_template = "admin/core/revision_form.html"

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
