from django.db import models
from django.utils.translation import gettext_lazy as _

from core.links import slug_url
from core.richtext import RichTextField
from core.transactions import AtomicSaveMixin


class Series(AtomicSaveMixin, models.Model):
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    description = RichTextField(_("description"))
    commissioned_by = models.CharField(
        _("commissioned by"),
        max_length=255,
        blank=True,
        help_text=_("For example the centre that commissioned the series."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("publications:series-detail", self.slug)
