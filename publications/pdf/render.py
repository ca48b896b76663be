"""A report as the HTML its PDF is set from, and that HTML as a PDF."""

import hashlib
import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from core.links import absolute_url, site_url
from publications.citations import chicago_citation

# Tagged for assistive technology: structure, reading order, language and
# the alt text of images (PDF/UA-1, as far as WeasyPrint goes).
PDF_VARIANT = "pdf/ua-1"


def document_context(report):
    """Return what the PDF of *report* shows, read from the database now."""
    authorships = list(report.authorships.select_related("author"))
    authors = [authorship.author for authorship in authorships]
    return {
        "report": report,
        # A long title and teaser fill the cover: the image would not fit.
        "cover_image": bool(report.image)
        and len(report.title) <= 110
        and len(report.teaser) <= 350,
        "authorships": authorships,
        "author_names": [author.name for author in authors],
        "summary_points": list(report.summary_points.all()),
        "topics": list(report.tags.order_by("name")),
        "citation": chicago_citation(
            report, authors=authors, url=absolute_url(report.get_absolute_url())
        ),
        "published_on": timezone.localdate(report.publish_at),
        "page_url": absolute_url(report.get_absolute_url()),
        "institute_name": settings.FOLIO_INSTITUTE_NAME,
        "institute_address": settings.FOLIO_INSTITUTE_ADDRESS,
        "language": settings.LANGUAGE_CODE,
    }


def source_html(report):
    """Return the HTML the PDF of *report* is set from."""
    return render_to_string(
        "publications/report_document.html", document_context(report)
    )


def source_hash(html):
    """Return the fingerprint of *html*: a PDF set from it shows exactly that."""
    return hashlib.sha256(html.encode()).hexdigest()


def media_names(report):
    """Return the media files the PDF of *report* may show: its cover image."""
    return {report.image.name} if report.image else set()


def render_pdf(html, *, media=()):
    """Return (PDF bytes, page count) for *html*, reading only local files.

    *media* names the media files the document may include; static files
    are always readable (publications.pdf.fetcher).
    """
    # Imported here: WeasyPrint loads pango when imported, which only the
    # worker and the staff preview need.
    from PIL import ImageFile
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from publications.pdf.fetcher import LocalFilesFetcher

    # Importing WeasyPrint tells Pillow to accept truncated images, for the
    # whole process: the upload checks of this process (a web worker making
    # a staff preview) would then take a broken file for an image. The
    # report's images were checked when uploaded; keep Pillow's default.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    document = HTML(
        string=html,
        base_url=site_url() + "/",
        url_fetcher=LocalFilesFetcher(media_names=media),
    ).render(font_config=FontConfiguration())
    output = io.BytesIO()
    document.write_pdf(
        output,
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        dpi=200,
        jpeg_quality=85,
    )
    return output.getvalue(), len(document.pages)
