"""The staff import page: upload, preview every row, then confirm.

The preview is a dry run. The uploaded file is kept (core.held_uploads) for
the user who sent it, and the confirm step reads that kept file again and
plans every row afresh in the import's transaction: nothing posted back
from the preview is trusted, and a row that became invalid in between is
refused then, with nothing written.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.held_uploads import HoldPlace, held, hold, release
from publications.admin.export_page import COLUMN_NOTES
from publications.imports import CHANGE, CREATE, REFUSE, UNCHANGED, import_publications
from publications.imports.cells import CONTENT_COLUMNS
from publications.resources import COLUMNS

# The optional columns the export does not write, beside the export's own.
CONTENT_COLUMN_NOTES = {
    "teaser": _("plain text, at most 600 characters"),
    "about": _("rich text (reports)"),
    "body": _("rich text"),
    "summary_points": _("one point a line (reports)"),
    "unpublish_date": _("date and time it leaves the site"),
}
IMPORT_COLUMN_NOTES = {
    **COLUMN_NOTES,
    "status": _("draft, scheduled, live or expired (live ones need an editor)"),
    "url": _("a related publication's external address; otherwise ignored"),
    "pdf_url": _("ignored: PDFs are uploaded in the item's page"),
}
_ADD_PERMISSIONS = ("publications.add_report", "publications.add_relatedpublication")


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def may_import(user):
    """Return True if *user* may open the import page."""
    return (
        user.is_active
        and user.is_staff
        and any(user.has_perm(permission) for permission in _ADD_PERMISSIONS)
    )


def _place(user):
    # One kept file per user for this page; a new upload replaces the last.
    return HoldPlace(
        user=user.pk, model="publications.publication", field="import", object="new"
    )


@require_http_methods(["GET", "POST"])
def publication_import_view(request):
    """Show the upload form, the preview of an upload, or import a kept file."""
    if not may_import(request.user):
        raise PermissionDenied
    report = token = file_name = None
    form = ImportFileForm()
    if request.method == "POST" and "token" in request.POST:
        kept = held(request.POST["token"], place=_place(request.user))
        if kept is None:
            messages.error(
                request,
                _("The file kept for this import has expired; choose it again."),
            )
            return redirect("publication-import")
        report = import_publications(
            kept.file, kept.name, user=request.user, dry_run=False
        )
        # Used once, whatever the outcome: a refused file needs correcting.
        release(kept)
        if report.written:
            messages.success(
                request,
                _(
                    "Imported %(name)s: %(created)s created, %(changed)s changed, "
                    "%(unchanged)s unchanged."
                )
                % {
                    "name": kept.name,
                    "created": report.counts[CREATE],
                    "changed": report.counts[CHANGE],
                    "unchanged": report.counts[UNCHANGED],
                },
            )
            return redirect("publication-import")
        file_name = kept.name
    elif request.method == "POST":
        form = ImportFileForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            file_name = upload.name
            report = import_publications(
                upload.file, upload.name, user=request.user, dry_run=True
            )
            if report.ok:
                kept = hold(upload, place=_place(request.user))
                kept.close()
                token = kept.token
    context = {
        **admin.site.each_context(request),
        "title": _("Import publications"),
        "form": form,
        "report": report,
        "token": token,
        "file_name": file_name,
        "confirming": request.method == "POST" and "token" in request.POST,
        "columns": [(name, IMPORT_COLUMN_NOTES.get(name, "")) for name in COLUMNS],
        "content_columns": [
            (name, CONTENT_COLUMN_NOTES[name]) for name in CONTENT_COLUMNS
        ],
        "actions": {"create": CREATE, "change": CHANGE, "refuse": REFUSE},
    }
    return TemplateResponse(request, "admin/publications/import.html", context)


class ImportLinkMixin:
    """An "Import publications" link beside Export on a publication change list."""

    import_export_change_list_template = (
        "admin/publications/change_list_import_export.html"
    )
