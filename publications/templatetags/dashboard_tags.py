"""The panels of the admin's home page (selectors in publications.dashboard)."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from publications import dashboard
from publications.roles import may_preview
from publications.states import Kind, ReviewStatus

register = template.Library()

# Rows shown per panel; one more is read to tell whether there are more.
PANEL_ROWS = 10


@dataclass
class Panel:
    slug: str
    title: str
    date_label: str
    date_field: str
    empty: str
    rows: list
    more: bool = False
    queue_links: tuple = ()


@register.simple_tag(takes_context=True)
def dashboard_panels(context):
    """Return the panels for the user viewing the page; none if they may not preview.

    One query per panel.
    """
    user = context["request"].user
    if not may_preview(user):
        return []
    panels = [
        Panel(
            "waiting",
            _("Waiting for review"),
            _("Waiting since"),
            "updated_at",
            _("Nothing is waiting for review."),
            dashboard.waiting_for_review(),
            queue_links=_queue_links(),
        ),
        Panel(
            "scheduled",
            _("Scheduled in the next 14 days"),
            _("Goes live"),
            "publish_at",
            _("Nothing is scheduled for the next 14 days."),
            dashboard.scheduled_soon(),
        ),
        Panel(
            "overdue",
            _("Publish date passed, not live"),
            _("Was to go live"),
            "publish_at",
            _("No draft has missed its publish date."),
            dashboard.overdue(),
        ),
        Panel(
            "untouched",
            _("Drafts untouched for 30 days"),
            _("Last saved"),
            "updated_at",
            _("No draft has been left for 30 days."),
            dashboard.untouched_drafts(),
        ),
        Panel(
            "mine",
            _("My drafts"),
            _("Last saved"),
            "updated_at",
            _("You have no drafts."),
            dashboard.drafts_of(user),
        ),
    ]
    for panel in panels:
        rows = list(panel.rows[: PANEL_ROWS + 1])
        panel.more = len(rows) > PANEL_ROWS
        panel.rows = [_row(item, panel.date_field) for item in rows[:PANEL_ROWS]]
    return panels


def _row(publication, date_field):
    model_name = "report" if publication.kind == Kind.REPORT else "relatedpublication"
    return {
        "title": publication.title,
        "url": reverse(
            # A draft of a published item is edited from the item's page.
            f"admin:publications_{model_name}_change",
            args=[publication.draft_of_id or publication.pk],
        ),
        "type": publication.publication_type.name,
        "date": getattr(publication, date_field),
        "review": (
            ReviewStatus(publication.review_status).label
            if publication.review_status
            else ""
        ),
    }


def _queue_links():
    return tuple(
        (
            label,
            reverse(f"admin:publications_{model_name}_changelist")
            + f"?review={ReviewStatus.WAITING}",
        )
        for label, model_name in (
            (_("Reports waiting"), "report"),
            (_("Related publications waiting"), "relatedpublication"),
        )
    )
