from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewEvent(models.Model):
    """One step of an item's review: who did what, when, and what they said.

    The row is also the record of the mail it owes: ``notified_at`` stays
    empty until that mail has gone (publications.review_mail), so a failed
    send is retried rather than lost.
    """

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        WITHDRAWN = "withdrawn", _("Withdrawn from review")
        SENT_BACK = "sent_back", _("Sent back")
        APPROVED = "approved", _("Approved")

    publication = models.ForeignKey(
        "publications.Publication",
        on_delete=models.CASCADE,
        related_name="review_events",
        verbose_name=_("publication"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("step"), max_length=10, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    # For an approval: the moment the item goes (or went) live.
    publish_at = models.DateTimeField(_("publish date"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        indexes = [
            models.Index(
                fields=["publication", "-created_at"], name="review_event_pub_idx"
            ),
            # The mail still owed, drained by send_review_mail.
            models.Index(
                fields=["created_at"],
                condition=Q(notified_at__isnull=True),
                name="review_event_unsent_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.publication_id}"
