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
