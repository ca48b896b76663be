"""The generated PDF in the report admin: its state, a preview, Regenerate."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from publications.models import GeneratedPdf, Publication
from publications.pdf.jobs import request_pdf


class ReportPdfAdminMixin:
    """Show a report's generated PDF and let editors make it again."""

    @admin.display(description=_("generated PDF"))
    def generated_pdf_state(self, report):
        if report.pk is None:
            return _("Made once the report is published.")
        # A draft of a published report previews at the report's address.
        query = "?preview=draft" if report.draft_of_id else "?preview"
        links = format_html(
            '<a href="{}{}" target="_blank" rel="noopener">{}</a>',
            report.pdf_download_url,
            query,
            _("Preview the PDF as it would be made now"),
        )
        if report.draft_of_id:
            return format_html(
                "{}<br>{}", _("Made again once these changes are published."), links
            )
        if report.pdf:
            note = _("Not served: the uploaded PDF is.")
            return format_html("{}<br>{}", note, links)
        state = GeneratedPdf.objects.filter(report=report).first()
        if state is None:
            lines = [_("None yet: made once the report is published.")]
        else:
            lines = [state.get_status_display()]
            if state.status == GeneratedPdf.Status.FAILED or state.error:
                lines.append(_("Last error: %(error)s") % {"error": state.error})
            if state.pages:
                lines.append(
                    _("%(pages)d pages, made in %(seconds).1f s")
                    % {"pages": state.pages, "seconds": state.render_seconds or 0}
                )
        return format_html(
            "{}<br>{}",
            format_html_join("", "{}<br>", ((line,) for line in lines)),
            links,
        )

    @admin.action(description=_("Regenerate the PDF"), permissions=["publish"])
    def regenerate_pdf(self, request, queryset):
        published = queryset.filter(
            status=Publication.Status.PUBLISHED, draft_of=None
        ).values_list("pk", flat=True)
        with transaction.atomic():
            count = 0
            for report_id in published:
                request_pdf(report_id, force=True)
                count += 1
        self.message_user(
            request,
            ngettext(
                "The PDF of %(count)d report will be made again shortly.",
                "The PDFs of %(count)d reports will be made again shortly.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        if count < queryset.count():
            self.message_user(
                request,
                _("Drafts have no PDF yet: preview theirs from the report's page."),
                messages.WARNING,
            )
