"""The words for what a publication is and where it stands.

Its kind (which concrete model), its stored status and its derived state.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """Which concrete model a publication is, and which one a type is for."""

    REPORT = "report", _("Report")
    RELATED = "related", _("Related publication")


class Status(models.TextChoices):
    """What an editor sets: a draft, or published (from its publish date)."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class State(models.TextChoices):
    """What readers get, from the status and the dates (Publication.state())."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    EXPIRED = "expired", _("Expired")


class ReviewStatus(models.TextChoices):
    """Where an item stands in the editors' review (publications.review)."""

    NONE = "", _("Not in review")
    WAITING = "waiting", _("Waiting for review")
    SENT_BACK = "sent_back", _("Sent back")
