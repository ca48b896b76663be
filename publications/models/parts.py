"""The rows that hang off a publication: summary points, authorships, pins."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.transactions import AtomicSaveMixin
from publications.models.kinds import Report
from publications.models.publication import Publication


class SummaryPoint(AtomicSaveMixin, models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="summary_points"
    )
    text = models.TextField(_("text"), max_length=1000)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("summary point")
        verbose_name_plural = _("summary points")

    def __str__(self):
        return self.text[:80]


class Authorship(AtomicSaveMixin, models.Model):
    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        EDITOR = "editor", _("Editor")
        CONTRIBUTOR = "contributor", _("Contributor")

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="authorships"
    )
    author = models.ForeignKey(
        "authors.Author", on_delete=models.PROTECT, related_name="authorships"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.AUTHOR
    )
    affiliation = models.CharField(
        _("affiliation at publication"),
        max_length=255,
        blank=True,
        help_text=_("As it stood when the publication came out, if different."),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("authorship")
        verbose_name_plural = _("authors")
        # An author's publications, from the index alone.
        indexes = [
            models.Index(fields=["author", "publication"], name="authorship_author_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "author"],
                name="unique_author_per_publication",
                violation_error_message=_("This author is already listed."),
            )
        ]

    def __str__(self):
        return str(self.author)


class PinnedPublication(AtomicSaveMixin, models.Model):
    """An item editors put first among a publication's related items."""

    source = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="pins"
    )
    target = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("pinned publication"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("pinned related item")
        verbose_name_plural = _("pinned related items")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target"],
                name="unique_pin",
                violation_error_message=_("This item is already pinned."),
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="pin_not_self",
                violation_error_message=_("A publication cannot be pinned to itself."),
            ),
        ]

    def __str__(self):
        return str(self.target)
