"""Keep search vectors and cached pages current when content changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from authors.models import Author
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
from publications.page_cache import content_changed
from publications.search import update_search_vectors

# Anything a public page shows: a change to any of these makes pages stale.
_CONTENT_MODELS = (
    Publication,
    Report,
    RelatedPublication,
    SummaryPoint,
    Authorship,
    PinnedPublication,
    TaggedPublication,
    Series,
    PublicationType,
    Author,
    Tag,
)


@receiver(post_save, sender=Publication)
@receiver(post_save, sender=Report)
@receiver(post_save, sender=RelatedPublication)
def _publication_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_vectors([instance.pk])


@receiver(post_save, sender=SummaryPoint)
@receiver(post_delete, sender=SummaryPoint)
def _summary_point_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_vectors([instance.report_id])


@receiver(post_save, sender=Authorship)
@receiver(post_delete, sender=Authorship)
def _authorship_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_vectors([instance.publication_id])


@receiver(post_save, sender=Author)
def _author_saved(sender, instance, created=False, raw=False, **kwargs):
    # A renamed author changes what finds every publication they wrote.
    if not raw and not created:
        update_search_vectors(
            instance.authorships.values_list("publication_id", flat=True)
        )


def _content_saved_or_deleted(sender, raw=False, **kwargs):
    if not raw:
        content_changed()


def _tags_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        content_changed()


for _model in _CONTENT_MODELS:
    post_save.connect(_content_saved_or_deleted, sender=_model)
    post_delete.connect(_content_saved_or_deleted, sender=_model)
m2m_changed.connect(_tags_changed, sender=TaggedPublication)
