from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import renditions
from core.links import slug_url
from core.richtext import RichTextField
from core.transactions import AtomicSaveMixin
from core.uploads import CleanImageField, RandomUploadPath


class Author(AtomicSaveMixin, models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    position = models.CharField(
        _("position"),
        max_length=255,
        blank=True,
        help_text=_(
            'For example "Professor and deputy director, Center for American Studies".'
        ),
    )
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    bio = RichTextField(_("bio"))
    photo = CleanImageField(
        _("photo"), upload_to=RandomUploadPath("authors"), blank=True
    )
    # As shown (upright), read when the photo is stored (core.renditions).
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        _("photo alt text"),
        max_length=255,
        blank=True,
        help_text=_("Describe the photo for readers who cannot see it."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(
        _("email"), blank=True, help_text=_("For staff only; never shown publicly.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        new_photo = bool(self.photo) and (
            not self.photo._committed
            or self.photo.name != getattr(self, "_stored_photo", None)
        )
        # A restore leaves the size out (authors.admin).
        unsized = bool(self.photo) and not self.photo_width
        if new_photo or unsized or not self.photo:
            renditions.record_size(self, "photo")
        super().save(*args, **kwargs)
        if new_photo or unsized:
            renditions.make_after_commit(self.photo)
        self._stored_photo = self.photo.name

    def get_absolute_url(self):
        return slug_url("publications:author-detail", self.slug)

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # The stored photo's name, so save() can tell a new one.
        instance._stored_photo = instance.__dict__.get("photo")
        return instance

    def clean(self):
        super().clean()
        if self.photo and not self.photo_alt.strip():
            raise ValidationError(
                {"photo_alt": _("Describe the photo: alt text is required with one.")}
            )


renditions.track_renditions(Author, "photo")
