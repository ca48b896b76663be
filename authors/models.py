from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from authors.names import guess_name_parts
from core import renditions
from core.links import slug_url
from core.richtext import RichTextField
from core.transactions import AtomicSaveMixin
from core.uploads import CleanImageField, RandomUploadPath


class Author(AtomicSaveMixin, models.Model):
    name = models.CharField(
        _("name as written"),
        max_length=200,
        help_text=_(
            "As it appears on pages and in bylines, in the author's own order: "
            '"Helena Marsh", "Wu Xinbo", "Anna van der Berg".'
        ),
    )
    given_names = models.CharField(
        _("given names"),
        max_length=200,
        blank=True,
        help_text=_('For example "Xinbo" or "Anna". Empty for a single name.'),
    )
    family_name = models.CharField(
        _("family name"),
        max_length=200,
        blank=True,
        help_text=_(
            "The name citations file the author under, with its particles: "
            '"Wu", "van der Berg". A single name goes here alone. Left empty, '
            "the last word of the name is taken."
        ),
    )
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
        if not self.family_name.strip():
            self.given_names, self.family_name = guess_name_parts(self.name)
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

    @property
    def family_first_name(self):
        """Return the name family name first, as reference lists file it.

        "Marsh, Helena", "van der Berg, Anna"; a single name alone; a name
        already written family name first ("Wu Xinbo") needs no comma.
        """
        given, family = self._name_parts()
        if not given:
            return family
        if self.name.strip() == f"{family} {given}":
            return self.name.strip()
        return f"{family}, {given}"

    @property
    def citation_name(self):
        """Return "Family, Given" (or the single name), for BibTeX and RIS."""
        given, family = self._name_parts()
        return f"{family}, {given}" if given else family

    def _name_parts(self):
        """Return (given names, family name), guessed if not yet saved."""
        if self.family_name.strip():
            return self.given_names.strip(), self.family_name.strip()
        return guess_name_parts(self.name)

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # The stored photo's name, so save() can tell a new one.
        instance._stored_photo = instance.__dict__.get("photo")
        return instance

    def clean(self):
        super().clean()
        errors = {}
        if self.given_names.strip() and not self.family_name.strip():
            errors["family_name"] = _("Enter the family name with the given names.")
        if self.photo and not self.photo_alt.strip():
            errors["photo_alt"] = _(
                "Describe the photo: alt text is required with one."
            )
        if errors:
            raise ValidationError(errors)


renditions.track_renditions(Author, "photo")
