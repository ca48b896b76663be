"""Which PDF file of a report may be served now."""

from publications.models import GeneratedPdf
from publications.pdf.jobs import request_pdf
from publications.pdf.render import source_hash, source_html

Status = GeneratedPdf.Status


def current_generated_pdf(report):
    """Return the generated PDF file of *report* if it shows what it says now.

    Otherwise return None, having asked for a new one unless a job is
    under way or the last one failed (staff regenerate it from the admin,
    so a broken report is not tried again on every download).
    """
    state = GeneratedPdf.objects.filter(report=report).first()
    if state is not None and state.file and state.source_hash:
        if state.source_hash == source_hash(source_html(report)):
            return state.file
    if state is None or state.status == Status.DONE:
        request_pdf(report.pk)
    return None
