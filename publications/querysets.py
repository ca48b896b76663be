"""QuerySets for publications: the one place that decides what is public."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class PublicationQuerySet(models.QuerySet):
    def live(self, *, now=None):
        """Return items published, past their publish time and not yet withdrawn.

        An item is live from its publish date-time (inclusive) until its
        unpublish date-time (inclusive), if it has one.
        """
        now = now or timezone.now()
        return self.filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gte=now),
            status=self.model.Status.PUBLISHED,
            publish_at__lte=now,
        )

    def drafts(self):
        return self.filter(status=self.model.Status.DRAFT)

    def scheduled(self, *, now=None):
        now = now or timezone.now()
        return self.filter(status=self.model.Status.PUBLISHED, publish_at__gt=now)

    def expired(self, *, now=None):
        now = now or timezone.now()
        return self.filter(status=self.model.Status.PUBLISHED, unpublish_at__lt=now)

    def in_state(self, state, *, now=None):
        """Filter by a derived state: draft, scheduled, live or expired."""
        if state == "draft":
            return self.drafts()
        if state not in {"scheduled", "live", "expired"}:
            raise ValueError(f"Unknown publication state: {state!r}")
        return getattr(self, state)(now=now)

    def in_series(self, series):
        return self.filter(report__series=series)

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")
