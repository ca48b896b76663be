"""The queue of changed publications: written with each change, drained after.

Every save or delete of a publication, its topics, authorships or pins
adds a PublicationChange row in the change's own transaction, so the
queue commits, or rolls back, with it. Drafts are recorded too: whether a
change is public is decided when the queue is read, from the rows as they
then are, so nothing is missed and a draft costs one small insert.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from authors.models import Author
from publications.models import (
    Authorship,
    PinnedPublication,
    Publication,
    PublicationChange,
    PublicationType,
    RelatedPublication,
    Report,
    Series,
    TaggedPublication,
)


def record_changes(publication_ids):
    """Queue *publication_ids* (None: everything), drained after the commit."""
    ids = {pk for pk in publication_ids}
    if not ids:
        return
    PublicationChange.objects.bulk_create(
        [PublicationChange(publication_id=pk) for pk in sorted(ids, key=str)]
    )
    from publications.derived.drain import drain_after_commit

    transaction.on_commit(drain_after_commit)


def _publication_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        record_changes([instance.pk])


def _part_changed(field):
    def receiver(sender, instance, raw=False, **kwargs):
        if not raw:
            record_changes([getattr(instance, field)])

    return receiver


def _topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    record_changes(pk_set or () if reverse else [instance.pk])


def _option_changed(sender, instance, created=False, raw=False, **kwargs):
    # A new topic or author names no item yet; a renamed or deleted one
    # changes the options of every listing.
    if not raw and not created:
        record_changes([None])


def connect():
    """Connect the receivers (from PublicationsConfig.ready)."""
    uid = "folio-derived"
    for model in (Publication, Report, RelatedPublication):
        post_save.connect(_publication_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_publication_changed, sender=model, dispatch_uid=uid)
    parts = (
        (Authorship, "publication_id"),
        (PinnedPublication, "source_id"),
        (TaggedPublication, "content_object_id"),
    )
    for model, field in parts:
        receiver = _part_changed(field)
        post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
    m2m_changed.connect(_topics_changed, sender=TaggedPublication, dispatch_uid=uid)
    for model in (Author, Series, Tag, PublicationType):
        post_save.connect(_option_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_option_changed, sender=model, dispatch_uid=uid)
