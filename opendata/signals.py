"""Write a withdrawn record when a publication that was public stops being so.

A publication was public once if it is live or expired (past its unpublish
date): both had their moment on the site. Runs inside the save or delete's
transaction, so a withdrawal is never saved without its record.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from opendata.models import WithdrawnRecord
from opendata.sets import joined_set_specs, set_specs_of
from publications.models import Publication, RelatedPublication, Report

_PUBLICATION_MODELS = (Publication, Report, RelatedPublication)
_WAS_PUBLIC = {"live", "expired"}


def _stored_state(pk, now):
    row = (
        Publication._base_manager.filter(pk=pk)
        .only("status", "publish_at", "unpublish_at")
        .first()
    )
    return None if row is None else row.state(now=now)


def _withdraw(publication, now):
    specs = set_specs_of(publication)
    record, created = WithdrawnRecord.objects.get_or_create(
        publication_id=publication.pk,
        defaults={"set_specs": joined_set_specs(specs), "withdrawn_at": now},
    )
    if not created:
        # A deleted report is seen as a Report and as its Publication row.
        specs = {*record.set_specs.split(), *specs}
        record.set_specs = joined_set_specs(specs)
        record.withdrawn_at = now
        record.save(update_fields=["set_specs", "withdrawn_at"])


@receiver(pre_save, sender=Publication)
@receiver(pre_save, sender=Report)
@receiver(pre_save, sender=RelatedPublication)
def _remember_if_public(sender, instance, raw=False, **kwargs):
    instance._opendata_was_public = (
        not raw
        and instance.pk is not None
        and _stored_state(instance.pk, timezone.now()) in _WAS_PUBLIC
    )


@receiver(post_save, sender=Publication)
@receiver(post_save, sender=Report)
@receiver(post_save, sender=RelatedPublication)
def _record_withdrawal(sender, instance, raw=False, **kwargs):
    now = timezone.now()
    if getattr(instance, "_opendata_was_public", False) and not instance.is_live(
        now=now
    ):
        _withdraw(instance, now)


@receiver(post_delete, sender=Publication)
@receiver(post_delete, sender=Report)
@receiver(post_delete, sender=RelatedPublication)
def _record_deletion(sender, instance, **kwargs):
    now = timezone.now()
    if instance.state(now=now) in _WAS_PUBLIC:
        _withdraw(instance, now)
