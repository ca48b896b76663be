"""Report PDFs typeset from the web version of a report.

render.py turns a report into the HTML it is set from and that HTML into a
PDF (WeasyPrint), reading nothing but Folio's static files and the report's
own images (fetcher.py). jobs.py keeps one GeneratedPdf row per report and
runs the background task that fills it; receivers.py asks for a new PDF in
the same transaction as every change to a published report. A generated
file is served only while it was set from what the report says now.
"""
