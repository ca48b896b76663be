from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from core import renditions
from core.images import make_thumbnail
from core.links import slug_url
from core.transactions import AtomicSaveMixin
from core.uploads import CleanImageField, RandomUploadPath
from publications.models.tags import TaggedPublication
from publications.models.types import PublicationType
from publications.querysets import PublicationQuerySet
from publications.states import Kind, ReviewStatus, State, Status

TEASER_MAX_LENGTH = 600


# A draft of a published item has this slug, with the item's id after it
# (publications.drafts): "~" is no slug character, so no address uses it.
DRAFT_SLUG_PREFIX = "~draft-"


class Publication(AtomicSaveMixin, models.Model):
    """What Reports and RelatedPublications share.

    One table for both gives one slug namespace (/publications/<slug>/), one
    newest-first listing and one tag join for related items.
    """

    Kind = Kind
    Status = Status
    State = State
    ReviewStatus = ReviewStatus

    kind = models.CharField(max_length=10, choices=Kind.choices, editable=False)
    publication_type = models.ForeignKey(
        PublicationType,
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("type"),
    )
    # On the shared table so that "unique within its type" is a database
    # constraint; related publications leave it empty.
    number = models.PositiveIntegerField(
        _("number"),
        null=True,
        blank=True,
        help_text=_('The 277 of "Special Report No. 277".'),
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        error_messages={
            "unique": _(
                "A report or publication already uses this slug; choose another."
            )
        },
        help_text=_("The last part of the address: /publications/this-slug/."),
    )
    teaser = models.TextField(
        _("teaser"),
        max_length=TEASER_MAX_LENGTH,
        validators=[MaxLengthValidator(TEASER_MAX_LENGTH)],
        help_text=_("One plain-text paragraph, at most 600 characters."),
    )
    image = CleanImageField(
        _("image"), upload_to=RandomUploadPath("images"), blank=True
    )
    image_alt = models.CharField(_("image alt text"), max_length=255, blank=True)
    # As shown (upright), read when the image is stored: pages give each
    # image its width, height and renditions from these (core.renditions).
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    thumbnail = models.ImageField(
        upload_to=RandomUploadPath("thumbnails"), blank=True, editable=False
    )
    authors = models.ManyToManyField(
        "authors.Author",
        through="Authorship",
        related_name="publications",
        blank=True,
    )
    tags = TaggableManager(
        blank=True,
        through=TaggedPublication,
        verbose_name=_("topics"),
        help_text=_("Topics and regions, separated by commas."),
    )
    pinned = models.ManyToManyField(
        "self",
        through="PinnedPublication",
        through_fields=("source", "target"),
        symmetrical=False,
        related_name="pinned_by",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish date"),
        default=timezone.now,
        help_text=_(
            "Goes live at this moment once published; a future date schedules it."
        ),
    )
    unpublish_at = models.DateTimeField(
        _("unpublish date"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: leaves the site after this moment (embargo end, withdrawal)."
        ),
    )
    # Set only by publications.review; "waiting" is the editors' queue.
    review_status = models.CharField(
        _("review"),
        max_length=10,
        choices=ReviewStatus.choices,
        blank=True,
        default=ReviewStatus.NONE,
        editable=False,
    )
    # Set on a draft of a published item: its unpublished changes, kept off
    # every public surface by its draft status (publications.drafts).
    draft_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="draft",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Kept up to date by publications.search on PostgreSQL; empty on SQLite.
    # The title, teaser, author and topic words (weights A and B) of the
    # item's search vector, which order the results: small enough to stay in
    # the row, where ranking the whole vector (SearchTerms) read kilobytes
    # per match from TOAST.
    search_vector_ranked = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublicationQuerySet.as_manager()

    # Set by each concrete kind: save() stores it as kind, and clean() knows
    # it before the first save.
    publication_kind = None

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        permissions = [
            ("publish_publication", _("Can publish, schedule and unpublish")),
            ("export_publication", _("Can export lists of publications")),
        ]
        indexes = [
            models.Index(
                fields=["status", "publish_at"], name="pub_status_publish_idx"
            ),
            # The listing's order; with the state columns in it too, a deep
            # page's ids and a count come from the index alone.
            models.Index(
                fields=["-publish_at", "-id", "status", "unpublish_at"],
                name="pub_newest_live_idx",
            ),
            models.Index(
                fields=["publication_type", "publish_at"], name="pub_type_idx"
            ),
            # Whether a joined row (tag, author, series) is live, without
            # reading the wide table row.
            models.Index(
                fields=["id", "status", "publish_at", "unpublish_at"],
                name="pub_state_idx",
            ),
            # The next scheduled withdrawal, for cache lifetimes.
            models.Index(
                fields=["unpublish_at"],
                condition=Q(unpublish_at__isnull=False),
                name="pub_unpublish_idx",
            ),
            # Whose is this image: asked for every image served (core.views).
            models.Index(fields=["image"], name="pub_image_idx"),
            models.Index(fields=["thumbnail"], name="pub_thumbnail_idx"),
            # The review queue: few rows, so only those in review are indexed.
            models.Index(
                fields=["review_status", "updated_at"],
                condition=~Q(review_status=""),
                name="pub_review_idx",
            ),
        ]
        constraints = [
            # A draft of a published item repeats its number until published.
            models.UniqueConstraint(
                fields=["publication_type", "number"],
                condition=Q(draft_of__isnull=True),
                name="unique_number_per_type",
                violation_error_message=_(
                    "Another report of this type already has this number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(unpublish_at__isnull=True)
                | Q(unpublish_at__gt=F("publish_at")),
                name="publication_unpublish_after_publish",
                violation_error_message=_(
                    "The unpublish date must be after the publish date."
                ),
            ),
            # What keeps a draft of a published item off the site.
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True) | Q(status=Status.DRAFT),
                name="publication_draft_of_is_draft",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.publication_kind:
            self.kind = self.publication_kind
        if self.draft_of_id is not None:
            self.status = Status.DRAFT
        if self.status == Status.PUBLISHED and self.review_status:
            # Published another way (the form, "Publish now"): out of review.
            self.review_status = ReviewStatus.NONE
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "review_status"}
        new_image = self._file_changed("image")
        if not self.image:
            self.thumbnail = ""
        # A restore leaves the size out (publications.admin.history).
        unsized = bool(self.image) and not self.image_width
        if new_image or unsized or not self.image:
            renditions.record_size(self, "image")
        super().save(*args, **kwargs)
        if new_image:
            # Generated once per upload; lists show this, never the full file.
            thumbnail = make_thumbnail(self.image)
            self.thumbnail.save(thumbnail.name, thumbnail, save=False)
            Publication.objects.filter(pk=self.pk).update(thumbnail=self.thumbnail.name)
        if new_image or unsized:
            renditions.make_after_commit(self.image)
            renditions.make_after_commit(self.thumbnail)
        self._remember_files()

    def get_absolute_url(self):
        return self.link_for("publications:publication-detail")

    def clean(self):
        super().clean()
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image: alt text is required with one.")}
            )
        kind = self.publication_kind or self.kind
        if self.publication_type_id and self.publication_type.kind != kind:
            raise ValidationError(
                {
                    "publication_type": _(
                        "Choose a type made for this kind of publication."
                    )
                }
            )

    @property
    def type_label(self):
        """Return e.g. "Special Report No. 277", or the type name alone."""
        name = self.publication_type.name
        return name if self.number is None else f"{name} No. {self.number}"

    @property
    def specific(self):
        """Return the Report or RelatedPublication behind this row."""
        from publications.models.kinds import RelatedPublication, Report

        if isinstance(self, (Report, RelatedPublication)):
            return self
        return self.report if self.kind == self.Kind.REPORT else self.relatedpublication

    @property
    def public_url(self):
        """Return where lists link: a related item's external URL, else the page.

        PublicationQuerySet.with_own_page() is the same rule in SQL.
        """
        if (self.publication_kind or self.kind) == self.Kind.RELATED:
            external_url = self.specific.external_url
            if external_url:
                return external_url
        return self.get_absolute_url()

    @property
    def pdf_url(self):
        """Return the path of the report's access-checked PDF view, or "" if none."""
        if (self.publication_kind or self.kind) != self.Kind.REPORT:
            return ""
        if not self.specific.pdf:
            return ""
        return self.link_for("publications:report-pdf")

    def link_for(self, viewname):
        """Return the path of view *viewname* for this item's slug.

        Export rows, which borrow public_url and pdf_url, answer it without
        reading the URL configuration for every row (publications.resources).
        """
        if self.slug.startswith(DRAFT_SLUG_PREFIX):
            # A draft's own slug is a placeholder; it previews at the item's.
            # (Read from the slug: lists load only slugs, never draft_of.)
            return slug_url(viewname, self.draft_of.slug)
        return slug_url(viewname, self.slug)

    def state(self, *, now=None):
        """Return draft, scheduled, live or expired."""
        now = now or timezone.now()
        if self.status == Status.DRAFT:
            return State.DRAFT
        if self.publish_at > now:
            return State.SCHEDULED
        if self.unpublish_at is not None and self.unpublish_at < now:
            return State.EXPIRED
        return State.LIVE

    def is_live(self, *, now=None):
        """Return True if the item is publicly visible now."""
        return self.state(now=now) == State.LIVE

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # Remember stored file names so save() can tell a new upload.
        instance._stored_files = dict(
            (name, value)
            for name, value in zip(field_names, values, strict=True)
            if name in {"image", "pdf"}
        )
        return instance

    def _file_changed(self, name):
        """Return True if file field *name* holds a file not yet processed."""
        field_file = getattr(self, name)
        stored = getattr(self, "_stored_files", {}).get(name)
        return bool(field_file) and (
            not field_file._committed or field_file.name != stored
        )

    def process_files_again(self):
        """Make the next save rebuild the thumbnail, renditions and PDF text.

        For a restored version, whose derived data was not kept.
        """
        self._stored_files = {
            name: stored
            for name, stored in getattr(self, "_stored_files", {}).items()
            if not (stored and getattr(self, name).storage.exists(stored))
        }

    def _remember_files(self):
        self._stored_files = {
            name: getattr(self, name).name
            for name in ("image", "pdf")
            if hasattr(self, name)
        }
