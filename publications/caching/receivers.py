"""Which changes readers can see: those move the content version on.

Saving a draft, or an item scheduled for later, changes no public page and
leaves every cached entry alone; a scheduled item only makes the version
move on at its moment. Each receiver runs in the transaction of the change
(models saved through core.models.AtomicSaveMixin, the admin's atomic
views), so the new version commits with the change or not at all.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author
from publications.caching.versions import public_content_changed, scheduled_change_at
from publications.models import (
    Authorship,
    PinnedPublication,
    Publication,
    PublicationType,
    RelatedPublication,
    Report,
    Series,
    SummaryPoint,
    TaggedPublication,
)

_PUBLICATION_MODELS = (Publication, Report, RelatedPublication)


def _is_live(publication_id):
    return Publication.objects.live().filter(pk=publication_id).exists()


def _publication_about_to_save(sender, instance, raw=False, **kwargs):
    # The state before the save, to tell whether the item was public.
    instance._folio_was_live = bool(instance.pk) and _is_live(instance.pk)


def _publication_saved(sender, instance, raw=False, **kwargs):
    if raw or getattr(instance, "_folio_was_live", True) or instance.is_live():
        public_content_changed()
    _schedule(instance)


def _schedule(publication):
    """Make the version move on when *publication* goes live or leaves."""
    if publication.status != Publication.Status.PUBLISHED:
        return
    now = timezone.now()
    if publication.publish_at > now:
        scheduled_change_at(publication.publish_at)
    if publication.unpublish_at is not None and publication.unpublish_at >= now:
        scheduled_change_at(publication.unpublish_at, leaves=True)


def _publication_deleted(sender, instance, **kwargs):
    if instance.is_live():
        public_content_changed()


def _part_changed(publication_field):
    """Return a receiver for rows shown on the page of a publication."""

    def receiver(sender, instance, raw=False, **kwargs):
        if raw or _is_live(getattr(instance, publication_field)):
            public_content_changed()

    return receiver


def _topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        public = _is_live(instance.pk)
    else:
        public = Publication.objects.live().filter(pk__in=pk_set or ()).exists()
    if public:
        public_content_changed()


def _shown_if(is_public):
    """Return a receiver that moves the version on if is_public(instance)."""

    def receiver(sender, instance, raw=False, **kwargs):
        if raw or is_public(instance):
            public_content_changed()

    return receiver


def _author_is_public(author):
    return Publication.objects.live().filter(authorships__author=author).exists()


def _series_is_public(series):
    return Report.objects.live().filter(series=series).exists()


def _topic_is_public(tag):
    return Publication.objects.live().filter(tagged_items__tag=tag).exists()


def connect():
    """Connect the receivers (from PublicationsConfig.ready)."""
    uid = "folio-caching"
    for model in _PUBLICATION_MODELS:
        pre_save.connect(_publication_about_to_save, sender=model, dispatch_uid=uid)
        post_save.connect(_publication_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_publication_deleted, sender=model, dispatch_uid=uid)
    parts = (
        (SummaryPoint, "report_id"),
        (Authorship, "publication_id"),
        (PinnedPublication, "source_id"),
        (TaggedPublication, "content_object_id"),
    )
    for model, field in parts:
        receiver = _part_changed(field)
        post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
    m2m_changed.connect(_topics_changed, sender=TaggedPublication, dispatch_uid=uid)
    shown = (
        (Author, _author_is_public),
        (Series, _series_is_public),
        (Tag, _topic_is_public),
        (PublicationType, lambda publication_type: True),
    )
    for model, is_public in shown:
        receiver = _shown_if(is_public)
        post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
