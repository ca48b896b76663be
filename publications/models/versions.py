from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """The version of everything public, kept in one row (see publications.caching).

    Cached pages and parts count only while the version they were built at
    is this one; it moves on in the same transaction as every public change.
    """

    version = models.BigIntegerField()
    # The next moment a scheduled item goes live or leaves: the version
    # moves on then too, with no save.
    next_change_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("content version")

    def __str__(self):
        return str(self.version)


class KeyChange(models.Model):
    """The content version at which the pages of one surrogate key last changed.

    A public change moves the content version on and writes it here for
    the keys of the pages it alters (publications.caching.surrogates), in
    the same transaction. A cached page built at version v, showing keys
    K, is current while no key of K (nor "folio", every page's key) has
    changed after v.
    """

    key = models.CharField(max_length=100, primary_key=True)
    # Indexed: parts brought up to date read the keys changed since a version.
    changed_at = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("changed cache key")

    def __str__(self):
        return f"{self.key} at {self.changed_at}"
