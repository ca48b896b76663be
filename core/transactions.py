"""Saves whose side effects commit with them."""

from django.db import router, transaction


class AtomicSaveMixin:
    """Run a model's save, and its post_save receivers, in one transaction.

    Django sends post_save after the save's own transaction has ended, so
    outside an atomic block a receiver's write (the content version of
    publications.caching) would commit apart from the row it is about.
    """

    def save_base(self, *args, using=None, **kwargs):
        using = using or router.db_for_write(self.__class__, instance=self)
        with transaction.atomic(using=using, savepoint=False):
            return super().save_base(*args, using=using, **kwargs)
