from django.db import models
from django.utils.translation import gettext_lazy as _


class WithdrawnRecord(models.Model):
    """A publication that was public once and has left the site since.

    OAI-PMH harvesters are told of it as a deleted record for good
    (deletedRecord "persistent"), without its content. The row outlives the
    publication, so it holds the id rather than a foreign key.
    """

    publication_id = models.BigIntegerField(_("publication id"), unique=True)
    # The OAI-PMH set specs the item belonged to, so that set harvests see
    # it go: " type:analysis series:x ", spaces around each, so that a
    # substring match finds one on every database.
    set_specs = models.TextField(_("sets"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), db_index=True)

    class Meta:
        ordering = ["publication_id"]
        verbose_name = _("withdrawn record")
        verbose_name_plural = _("withdrawn records")

    def __str__(self):
        return f"Publication {self.publication_id}, withdrawn {self.withdrawn_at}"
