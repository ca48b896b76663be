from django.db import models
from django.utils.translation import gettext_lazy as _


class PurgeRequest(models.Model):
    """Surrogate keys a shared HTTP cache must drop (publications.caching.purges).

    Written in the transaction of the public change it follows, so a crash
    between the commit and the purge cannot lose it; deleted once the purge
    backend has confirmed it.
    """

    # Space-separated surrogate keys.
    keys = models.TextField(blank=True)
    # A scheduled item going live or leaving: its keys are read when the
    # purge is delivered, so they are those of the item as it then is. No
    # foreign key: the row must outlive a deleted item.
    publication_id = models.BigIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("purge request")
        ordering = ("due_at", "id")

    def __str__(self):
        return self.keys or f"publication {self.publication_id}"
