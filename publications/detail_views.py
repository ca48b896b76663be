"""A publication's own page, and a report's PDF."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from core.storage import file_response
from publications.caching.surrogates import (
    add_page_keys,
    author_profile_key,
    publication_key,
)
from publications.cards import related_cards
from publications.drafts import draft_of_item
from publications.models import Publication, Report
from publications.pdf.files import current_generated_pdf
from publications.pdf.jobs import request_pdf
from publications.pdf.render import media_names, render_pdf, source_html
from publications.roles import may_preview
from publications.selectors import SERIES_BOX_SIZE, publication_relations
from publications.states import State
from publications.views import PublicViewMixin


def _mark_private(response):
    """Keep a staff-only response out of shared caches and search engines."""
    patch_cache_control(response, private=True, no_cache=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


class PublicationDetailView(PublicViewMixin, DetailView):
    """A Report or RelatedPublication page; staff may preview items not live."""

    section = "publications"

    previews_changes = False

    def get_object(self, queryset=None):
        publication = self._pages().filter(slug=self.kwargs["slug"]).first()
        if publication is None:
            raise Http404(_("No publication found with that address."))
        publication = publication.specific
        self.state = publication.state(now=self.now)
        if not may_preview(self.request.user):
            if self.state != State.LIVE:
                raise Http404(_("No publication found with that address."))
            return publication
        if self.request.GET.get("preview") == "draft":
            # Its unpublished changes, at its address (publications.drafts).
            draft = self._pages().filter(draft_of=publication).first()
            if draft is not None:
                draft = draft.specific
                draft.draft_of = publication
                self.state, self.previews_changes = State.DRAFT, True
                return draft
        return publication

    def _pages(self):
        return (
            Publication.objects.select_related(
                "publication_type", "report__series", "relatedpublication"
            )
            .without_search_vectors()
            .defer("report__pdf_text")
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.state == State.LIVE:
            public_url = self.object.public_url
            if public_url != self.object.get_absolute_url():
                # Lists link straight out; this address only forwards old links.
                return redirect(public_url)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if self.state != State.LIVE:
            _mark_private(response)
        return response

    def get_template_names(self):
        # publications/report_detail.html or relatedpublication_detail.html
        return [f"publications/{self.object._meta.model_name}_detail.html"]

    def get_context_data(self, **kwargs):
        publication = self.object
        relations = publication_relations(
            publication, now=self.now, remembered=self.state == State.LIVE
        )
        others = relations["series_others"]
        # What this page shows of other items: a change to one alters it.
        series_id = getattr(publication, "series_id", None)
        add_page_keys(
            self.request,
            {
                publication_key(publication.pk),
                *(publication_key(pk) for pk in relations["related_ids"]),
                # Its authors' bios, photos and affiliations.
                *(author_profile_key(a.author_id) for a in relations["authorships"]),
                *([f"series-{series_id}"] if series_id else []),
            },
        )
        context = {
            "publication": publication,
            "preview_state": None if self.state == State.LIVE else self.state,
            "preview_changes": self.previews_changes,
            "authorships": relations["authorships"],
            "topics": relations["topics"],
            "summary_points": relations["summary_points"],
            "related_items": related_cards(relations["related_ids"]),
            "series_reports": others[:SERIES_BOX_SIZE],
            "more_series_reports": len(others) > SERIES_BOX_SIZE,
        }
        return super().get_context_data(**context, **kwargs)


@require_safe
def report_pdf(request, slug):
    """Serve a report's PDF while the report is live (to staff at any time).

    An uploaded PDF is the report's own. Without one, readers get the PDF
    Folio generates from the web version, and only while it shows what the
    report says now: until the new one is made, a 503 says to come back.
    Staff get a preview made on the spot for a report not live, or for
    any report with ?preview (its unpublished changes with ?preview=draft).
    """
    report = get_object_or_404(
        Report.objects.select_related("publication_type")
        .without_search_vectors()
        .defer("pdf_text"),
        slug=slug,
    )
    is_live = report.is_live()
    is_staff = may_preview(request.user)
    if not is_live and not is_staff:
        raise Http404(_("No PDF found at that address."))
    preview = "preview" in request.GET and is_staff
    if report.pdf and not preview:
        return _pdf_response(report.pdf.storage, report.pdf.name, report, is_live)
    if preview or not is_live:
        return _mark_private(_preview_pdf(request, report))
    generated = current_generated_pdf(report)
    if generated is not None:
        try:
            return _pdf_response(generated.storage, generated.name, report, True)
        except Http404:
            request_pdf(report.pk)
    response = render(
        request, "publications/report_pdf_pending.html", {"report": report}, status=503
    )
    response["Retry-After"] = "60"
    patch_cache_control(response, no_store=True)
    return response


def _pdf_response(storage, name, report, is_live):
    try:
        response = file_response(
            storage,
            name,
            content_type="application/pdf",
            download_name=f"{report.slug}.pdf",
            cache_control={},
        )
    except OSError as error:
        raise Http404(_("No PDF found at that address.")) from error
    if not is_live:
        _mark_private(response)
    return response


def _preview_pdf(request, report):
    """Return a PDF of *report* (or its unpublished changes) made now, for staff."""
    source = report
    if request.GET.get("preview") == "draft":
        draft = draft_of_item(report)
        if draft is not None:
            draft.draft_of = report
            source = draft
    pdf, _pages = render_pdf(source_html(source), media=media_names(source))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.slug}-preview.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
