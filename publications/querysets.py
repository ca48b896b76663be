"""QuerySets for publications: the one place that decides what is public."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from publications.states import State, Status


def live_condition(prefix="", *, now=None):
    """Return a Q matching live publications, through *prefix* if given.

    An item is live from its publish date-time (inclusive) until its
    unpublish date-time (inclusive), if it has one. With a prefix such as
    "content_object", rows of another model match through that relation, in
    a join rather than a subquery.
    """
    now = now or timezone.now()
    field = f"{prefix}__" if prefix else ""
    return (
        Q(**{f"{field}unpublish_at__isnull": True})
        | Q(**{f"{field}unpublish_at__gte": now})
    ) & Q(**{f"{field}status": Status.PUBLISHED, f"{field}publish_at__lte": now})


class PublicationQuerySet(models.QuerySet):
    def live(self, *, now=None):
        """Return items published, past their publish time and not yet withdrawn.

        An item is live from its publish date-time (inclusive) until its
        unpublish date-time (inclusive), if it has one.
        """
        return self.filter(live_condition(now=now))

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def scheduled(self, *, now=None):
        now = now or timezone.now()
        return self.filter(status=Status.PUBLISHED, publish_at__gt=now)

    def expired(self, *, now=None):
        now = now or timezone.now()
        return self.filter(status=Status.PUBLISHED, unpublish_at__lt=now)

    def in_state(self, state, *, now=None):
        """Filter by a derived state: draft, scheduled, live or expired."""
        if state == State.DRAFT:
            return self.drafts()
        if state not in {State.SCHEDULED, State.LIVE, State.EXPIRED}:
            raise ValueError(f"Unknown publication state: {state!r}")
        return getattr(self, state)(now=now)

    def in_series(self, series):
        return self.filter(report__series=series)

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")
