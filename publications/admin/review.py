"""The review steps in the Report and RelatedPublication admins.

On an item's page: "Submit for review" and "Withdraw" for its authors,
"Approve and publish", "Approve and schedule" and "Send back" (a page with
a comment form) for editors, with the item's review history. In the change
list: a Review column with the comment an item was sent back with, and a
Review filter whose "Waiting for review" is the editors' queue.

Every step goes through publications.review, which checks who may take it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from publications.models import Publication, ReviewEvent
from publications.review import (
    COMMENT_MAX_LENGTH,
    ReviewError,
    approve,
    record_published_from_review,
    send_back,
    submit_for_review,
    withdraw_submission,
)
from publications.roles import may_review, may_submit
from publications.states import ReviewStatus, Status

# How many steps the item's page lists, newest first.
HISTORY_LENGTH = 10

_DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("Note for the editors (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish on"),
        input_formats=_DATETIME_LOCAL_FORMATS,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        error_messages={
            "required": _("Choose the date and time to publish on."),
            "invalid": _(
                "Enter the date and time to publish on, e.g. 2027-03-01 09:00."
            ),
        },
    )

    def clean_publish_at(self):
        publish_at = self.cleaned_data["publish_at"]
        if publish_at <= timezone.now():
            raise forms.ValidationError(
                _("Choose a moment in the future, or approve and publish now.")
            )
        return publish_at


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs to change"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=_("The author sees this on the item and gets it by email."),
        error_messages={"required": _("Write a comment saying what needs to change.")},
    )


class ReviewListFilter(admin.SimpleListFilter):
    """Filter by review status; "Waiting for review" is the editors' queue."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            (ReviewStatus.WAITING, ReviewStatus.WAITING.label),
            (ReviewStatus.SENT_BACK, ReviewStatus.SENT_BACK.label),
        ]

    def queryset(self, request, queryset):
        if self.value() in {ReviewStatus.WAITING, ReviewStatus.SENT_BACK}:
            # A published item's unpublished changes are reviewed on its draft.
            return queryset.filter(
                Q(review_status=self.value()) | Q(draft__review_status=self.value())
            )
        return queryset


class ReviewAdminMixin:
    """Review steps, history, column and filter for a publication admin."""

    review_template = "admin/publications/review_send_back.html"

    # Change list

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        after = (
            columns.index("state_and_link") + 1
            if "state_and_link" in columns
            else len(columns)
        )
        columns.insert(after, "review_label")
        return columns

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), ReviewListFilter)

    def get_queryset(self, request):
        # A published item's unpublished changes are reviewed on its draft:
        # its row in the list shows theirs.
        sent_back = ReviewEvent.objects.filter(
            Q(publication=OuterRef("pk")) | Q(publication__draft_of=OuterRef("pk")),
            action=ReviewEvent.Action.SENT_BACK,
        ).order_by("-created_at", "-pk")
        draft_status = Publication.objects.filter(draft_of=OuterRef("pk")).values(
            "review_status"
        )[:1]
        return (
            super()
            .get_queryset(request)
            .annotate(
                review_comment=Subquery(sent_back.values("comment")[:1]),
                draft_review_status=Subquery(draft_status),
            )
        )

    @admin.display(description=_("review"), ordering="review_status")
    def review_label(self, publication):
        status = getattr(publication, "draft_review_status", None) or (
            publication.review_status
        )
        if status == ReviewStatus.SENT_BACK:
            comment = getattr(publication, "review_comment", "") or ""
            return format_html(
                "{}: <q>{}</q>",
                ReviewStatus.SENT_BACK.label,
                Truncator(comment).chars(80),
            )
        if status == ReviewStatus.WAITING:
            return ReviewStatus.WAITING.label
        return ""

    # The item's page

    def save_model(self, request, obj, form, change):
        was_waiting = (
            change
            and Publication.objects.filter(
                pk=obj.pk, review_status=ReviewStatus.WAITING
            ).exists()
        )
        super().save_model(request, obj, form, change)
        if was_waiting and obj.status == Status.PUBLISHED:
            record_published_from_review(obj, actor=request.user)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None and obj.pk:
            context["review"] = self.review_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_context(self, request, obj):
        """Return what the review box on *obj*'s page shows and offers."""
        events = list(obj.review_events.select_related("actor")[:HISTORY_LENGTH])
        waiting = obj.review_status == ReviewStatus.WAITING
        unpublished = obj.status == Status.DRAFT
        user = request.user
        return {
            "status": ReviewStatus(obj.review_status),
            "events": events,
            "latest": events[0] if events else None,
            "may_submit": unpublished
            and not waiting
            and not may_review(user)
            and may_submit(user, obj),
            # Editors approve or send back instead.
            "may_withdraw": waiting and not may_review(user) and may_submit(user, obj),
            "may_review": waiting and may_review(user),
            # Changes to a published item go out when approved (review.approve).
            "may_schedule": not obj.draft_of_id,
            "submit_form": SubmitForm(auto_id="id_review_%s"),
            "schedule_form": ScheduleForm(auto_id="id_review_%s"),
            "urls": {
                step.replace("-", "_"): self._review_url(obj, step)
                for step in ("submit", "withdraw", "approve", "send-back")
            },
            "timezone": timezone.get_current_timezone_name(),
        }

    # The steps

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/review/<slug:step>/",
                self.admin_site.admin_view(self.review_view),
                name=f"{opts.app_label}_{opts.model_name}_review",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, object_id, step):
        # The object is the item's draft when it has unpublished changes.
        request.folio_edits_draft = True
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if step == "send-back":
            return self._send_back_view(request, obj)
        steps = {
            "submit": self._submit,
            "withdraw": self._withdraw,
            "approve": self._approve,
        }
        if step not in steps:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            message = steps[step](request, obj)
        except ReviewError as error:
            self.message_user(
                request, f"{error.message} {_('Nothing was saved.')}", messages.ERROR
            )
        else:
            self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))

    def _submit(self, request, obj):
        form = SubmitForm(request.POST)
        if not form.is_valid():
            raise ReviewError(" ".join(form.errors["comment"]))
        submit_for_review(obj, actor=request.user, comment=form.cleaned_data["comment"])
        return _("Submitted for review: the editors have been told.")

    def _withdraw(self, request, obj):
        withdraw_submission(obj, actor=request.user)
        return _("Withdrawn from review: it is a draft again.")

    def _approve(self, request, obj):
        publish_at = None
        if "publish_at" in request.POST:
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise ReviewError(" ".join(form.errors["publish_at"]))
            publish_at = form.cleaned_data["publish_at"]
        event = approve(obj, actor=request.user, publish_at=publish_at)
        if publish_at is None:
            return _("Approved and published: it is live now.")
        local = timezone.localtime(event.publish_at)
        return _("Approved and scheduled: it goes live on %(date)s.") % {
            "date": f"{local:%Y-%m-%d %H:%M}"
        }

    def _send_back_view(self, request, obj):
        if not may_review(request.user):
            self.message_user(
                request,
                _("Only editors can send an item back."),
                messages.ERROR,
            )
            return HttpResponseRedirect(self._change_url(obj))
        if obj.review_status != ReviewStatus.WAITING:
            self.message_user(
                request,
                _(
                    "This item is not waiting for review: there is nothing to "
                    "send back."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(self._change_url(obj))
        form = SendBackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                send_back(obj, actor=request.user, comment=form.cleaned_data["comment"])
            except ReviewError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    _("Sent back: the author has been told."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Send back “%(title)s”") % {"title": obj.title},
            "subtitle": None,
            "form": form,
            "change_url": self._change_url(obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_template, context)

    def _change_url(self, obj):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            args=[obj.draft_of_id or obj.pk],
            current_app=self.admin_site.name,
        )

    def _review_url(self, obj, step):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_review",
            args=[obj.draft_of_id or obj.pk, step],
            current_app=self.admin_site.name,
        )
