"""Keep the search index current when content changes.

Each receiver runs in the transaction of the change (AtomicSaveMixin saves,
deletes, the admin's atomic views), so the index commits or rolls back with
it. Cached pages and parts follow changes through publications.caching.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from authors.models import Author
from publications.models import (
    Authorship,
    Publication,
    RelatedPublication,
    Report,
    SummaryPoint,
    TaggedPublication,
)
from publications.search import update_search_index


@receiver(post_save, sender=Publication)
@receiver(post_save, sender=Report)
@receiver(post_save, sender=RelatedPublication)
@receiver(post_delete, sender=Publication)
def _publication_changed(sender, instance, raw=False, **kwargs):
    # A deleted publication's row leaves the index; Report and
    # RelatedPublication deletes delete their Publication row too.
    if not raw:
        update_search_index([instance.pk])


@receiver(post_save, sender=SummaryPoint)
@receiver(post_delete, sender=SummaryPoint)
def _summary_point_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_index([instance.report_id])


@receiver(post_save, sender=Authorship)
@receiver(post_delete, sender=Authorship)
def _authorship_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_index([instance.publication_id])


@receiver(post_save, sender=TaggedPublication)
@receiver(post_delete, sender=TaggedPublication)
def _topic_changed(sender, instance, raw=False, **kwargs):
    # taggit's add, remove, clear and set save or delete these one by one.
    if not raw:
        update_search_index([instance.content_object_id])


@receiver(post_save, sender=Author)
def _author_saved(sender, instance, created=False, raw=False, **kwargs):
    # A renamed author changes what finds every publication they wrote.
    if not raw and not created:
        update_search_index(
            instance.authorships.values_list("publication_id", flat=True)
        )


@receiver(post_save, sender=Tag)
def _tag_saved(sender, instance, created=False, raw=False, **kwargs):
    # A renamed topic changes what finds every publication it is on.
    if not raw and not created:
        update_search_index(
            TaggedPublication.objects.filter(tag=instance).values_list(
                "content_object_id", flat=True
            )
        )
