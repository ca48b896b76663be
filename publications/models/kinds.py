"""The two concrete kinds of publication, each with its own table of extras."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from authors.models import Author
from core.images import THUMBNAIL_SIZE
from core.media_files import track_files
from core.pdf_text import extract_pdf_text
from core.renditions import track_renditions
from core.richtext import RichTextField
from core.uploads import PdfField, RandomUploadPath
from publications.models.publication import Publication
from publications.models.series import Series
from publications.querysets import PublicationQuerySet, live_condition


class Report(Publication):
    about = RichTextField(_("about the report"))
    body = RichTextField(_("body"))
    series = models.ForeignKey(
        Series,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("series"),
        # The series-order index below starts with it.
        db_index=False,
    )
    series_position = models.PositiveIntegerField(
        _("position in series"), null=True, blank=True
    )
    pdf = PdfField(_("PDF"), upload_to=RandomUploadPath("pdfs"), blank=True)
    pdf_text = models.TextField(editable=False, blank=True)

    objects = PublicationQuerySet.as_manager()

    publication_kind = Publication.Kind.REPORT

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            # A series' reports in series order (the report page's series
            # box, the series page): the first few read in order, where
            # sorting a long series' every report took 9 ms at 1,200.
            models.Index(
                fields=["series", "series_position"],
                name="publications_report_in_series",
            ),
        ]

    def save(self, *args, **kwargs):
        if not self.pdf:
            self.pdf_text = ""
        elif self._file_changed("pdf"):
            # Read once per upload; a PDF without text stays unsearchable.
            # An upload is read in place: closing it would lose it.
            if not self.pdf._committed:
                self.pdf_text = extract_pdf_text(self.pdf.file)
            else:
                with self.pdf.open("rb") as pdf:
                    self.pdf_text = extract_pdf_text(pdf)
        super().save(*args, **kwargs)

    @property
    def pdf_download_url(self):
        """Return where readers download the PDF: the uploaded one, or Folio's.

        Every report has one, generated from the web version when no PDF
        was uploaded; the link stays put while that file is being made, so
        a cached page never needs to change for it.
        """
        return self.link_for("publications:report-pdf")

    @property
    def type_and_number(self):
        """Return e.g. "Special Report No. 277"."""
        if self.number is None:
            return self.publication_type.name
        return f"{self.publication_type.name} No. {self.number}"


class RelatedPublication(Publication):
    """A shorter publication: analysis, Q&A, commentary, news, event."""

    body = RichTextField(_("body"), help_text=_("Shown on its own page."))
    external_url = models.URLField(
        _("external URL"),
        blank=True,
        help_text=_("Instead of a body: lists link straight to this address."),
    )

    objects = PublicationQuerySet.as_manager()

    publication_kind = Publication.Kind.RELATED

    class Meta:
        verbose_name = _("related publication")
        verbose_name_plural = _("related publications")

    def clean(self):
        super().clean()
        if self.body and self.external_url:
            raise ValidationError(_("Give either a body or an external URL, not both."))
        if not self.body and not self.external_url:
            raise ValidationError(_("Give a body or an external URL."))


# Files nothing names any more are removed (core.media_files). Anyone may
# fetch the images of a live item and the photo of an author credited on
# one; other files only staff who may view their item. PDFs are private.
track_files(Publication, public=lambda publications: publications.live())
track_files(Report)
track_files(
    Author, public=lambda authors: authors.filter(live_condition("publications"))
)
# Pages show images through their renditions, and share a publication's
# with its Open Graph card (core.renditions).
track_renditions(Publication, "image", card=True)
track_renditions(Publication, "thumbnail", size=THUMBNAIL_SIZE)
