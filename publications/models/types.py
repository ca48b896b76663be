from django.db import models
from django.utils.translation import gettext_lazy as _

from core.transactions import AtomicSaveMixin
from publications.states import Kind


class PublicationType(AtomicSaveMixin, models.Model):
    """A kind of publication editors can add: "Special Report", "Analysis"."""

    Kind = Kind

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("used for"), max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["kind", "position", "name"]
        verbose_name = _("publication type")
        verbose_name_plural = _("publication types")

    def __str__(self):
        return self.name
