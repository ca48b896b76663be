"""Text of uploaded PDFs, for full-text search."""

import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

logger = logging.getLogger("folio")

# Enough for the text of a long report; keeps the search vector well under
# PostgreSQL's 1 MB tsvector limit.
MAX_PDF_TEXT_CHARS = 300_000


def extract_pdf_text(file):
    """Return the text of the PDF *file*, or "" if it has none or can't be read."""
    try:
        file.seek(0)
        reader = PdfReader(file)
        parts, length = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text)
            if length >= MAX_PDF_TEXT_CHARS:
                break
    except (PyPdfError, ValueError, TypeError, KeyError, OSError) as error:
        logger.warning("Could not read the text of a PDF: %s", error)
        return ""
    finally:
        file.seek(0)
    return " ".join(" ".join(parts).split())[:MAX_PDF_TEXT_CHARS]
