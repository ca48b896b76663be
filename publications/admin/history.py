"""Saved versions of reports and related publications, restorable in the admin.

django-reversion keeps, for every admin save, one revision (who, when, what
changed) holding the publication and the rows edited on its page: summary
points, authorships in order, pinned items and topics. Restoring a revision
puts those rows back as they were, removing rows added since.

Left out of the versions: derived data rebuilt on save (thumbnail, image
size, PDF text, search vector) and the bookkeeping that must go on from its
current value (the edit version). A restore also keeps the current status and dates, so
restoring text never publishes or withdraws an item by surprise.
"""

import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from reversion.admin import VersionAdmin
from reversion.models import Version

from publications.models import (
    Authorship,
    PinnedPublication,
    Publication,
    RelatedPublication,
    Report,
    SummaryPoint,
    TaggedPublication,
)
from publications.topic_history import TOPIC_CHANGE_MARK

# Publication fields a restore leaves as they are now.
KEPT_ON_RESTORE = (
    "version",
    "status",
    "publish_at",
    "unpublish_at",
    "review_status",
)

for _model in (Authorship, PinnedPublication, SummaryPoint, TaggedPublication):
    if not reversion.is_registered(_model):
        reversion.register(_model)
if not reversion.is_registered(Publication):
    reversion.register(
        Publication,
        exclude=(
            "thumbnail",
            "image_width",
            "image_height",
            "search_vector_ranked",
            "version",
            "draft_of",
            "authors",
            "tags",
            "pinned",
        ),
        follow=("authorships", "pins", "tagged_items"),
    )
if not reversion.is_registered(Report):
    reversion.register(
        Report,
        exclude=("pdf_text",),
        follow=("publication_ptr", "summary_points"),
    )
if not reversion.is_registered(RelatedPublication):
    reversion.register(RelatedPublication, follow=("publication_ptr",))


class PublicationHistoryAdmin(VersionAdmin):
    """History of an item's saves, and the restoring of any earlier one."""

    history_latest_first = True
    object_history_template = "admin/publications/object_history.html"
    revision_form_template = "admin/publications/revision_form.html"

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Reversion writes the old rows back, then shows (GET, rolled back)
        # or saves (POST) the change form over them. Remember what a restore
        # keeps before they are overwritten.
        using = router.db_for_write(self.model)
        pk = _pk_or_none(self.model, object_id)
        with transaction.atomic(using=using):
            kept = (
                Publication._base_manager.using(using)
                .filter(pk=pk)
                .values(*KEPT_ON_RESTORE)
            )
            if request.method == "POST":
                kept = kept.select_for_update()
            request.folio_restore = {"kept": kept.first()}
            restored = (
                Version.objects.filter(pk=version_id, object_id=str(pk))
                .select_related("revision__user")
                .first()
            )
            context = {"restored_revision": restored and restored.revision}
            return super().revision_view(
                request, object_id, version_id, {**context, **(extra_context or {})}
            )

    def history_view(self, request, object_id, extra_context=None):
        # Topic changes made from the lists and the Topic admin
        # (publications.topics) are logged, not saved as versions.
        changes = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id=unquote(object_id),
                change_message__contains=TOPIC_CHANGE_MARK,
            )
            .select_related("user")
            .order_by("-action_time", "-pk")
        )
        latest = (
            Version.objects.get_for_object_reference(self.model, unquote(object_id))
            .order_by("-revision__date_created")
            .values_list("revision__date_created", flat=True)
            .first()
        )
        context = {
            "topic_changes": changes,
            "changed_since_latest": bool(
                latest and changes.filter(action_time__gt=latest).exists()
            ),
        }
        return super().history_view(
            request, object_id, {**context, **(extra_context or {})}
        )

    def recoverlist_view(self, request, extra_context=None):
        self._check_may_recover(request)
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        # A deleted item comes back with the status it had: only those who
        # may publish can bring one back.
        self._check_may_recover(request)
        request.folio_restore = {"kept": None}
        return super().recover_view(request, version_id, extra_context)

    def has_publish_permission(self, request, obj=None):
        return False  # the publication admins say who may publish

    def _check_may_recover(self, request):
        if not self.has_publish_permission(request):
            raise PermissionDenied

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        restore = getattr(request, "folio_restore", None)
        if obj is not None and restore is not None:
            if kept := restore["kept"]:
                Publication._base_manager.filter(pk=obj.pk).update(**kept)
                for name, value in kept.items():
                    setattr(obj, name, value)
            # The restored image and PDF get a new thumbnail and text on save.
            obj.process_files_again()
        return obj


def _pk_or_none(model, object_id):
    try:
        return model._meta.pk.to_python(unquote(object_id))
    except (ValidationError, ValueError, TypeError):
        return None
