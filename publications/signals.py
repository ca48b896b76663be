"""Keep search vectors current when content changes.

Cached pages and parts follow changes through publications.caching.receivers.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from authors.models import Author
from publications.models import (
    Authorship,
    Publication,
    RelatedPublication,
    Report,
    SummaryPoint,
)
from publications.search import update_search_vectors


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
