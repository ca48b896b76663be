"""What readers' pages derive from content, kept current as content changes.

PublicationChange is the queue: a row in the transaction of every change to
a publication or what hangs off it (publications.derived.changes). The app
servers drain it within seconds into RelatedItem and StoredCard rows, and
each worker's facet index reads it to stay current (publications.facets).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationChange(models.Model):
    """A publication whose state, topics, authors or pins changed.

    A null publication_id means something every item may show changed (a
    topic, author, series or type renamed): derived data is rebuilt whole.
    Not a foreign key, so a deleted item's change outlives it.
    """

    id = models.BigAutoField(primary_key=True)
    publication_id = models.BigIntegerField(null=True)
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set by the drain. Not an id high-water mark: ids are handed out at
    # insert, and a transaction holding a lower one may commit later.
    is_drained = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("publication change")
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(is_drained=False),
                name="publication_change_queued_idx",
            )
        ]

    def __str__(self):
        return f"{self.publication_id or 'everything'} at {self.changed_at}"


class DrainMark(models.Model):
    """When the change queue was last drained.

    Its row is locked while draining, so one server drains at a time.
    """

    name = models.CharField(max_length=40, primary_key=True)
    drained_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("drain mark")

    def __str__(self):
        return f"{self.name}: {self.drained_at}"


class RelatedList(models.Model):
    """Marks a live publication whose related items are stored (maybe none)."""

    publication = models.OneToOneField(
        "Publication",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    # FOLIO_RELATED_COUNT when it was ranked: a list ranked for fewer is
    # ranked again.
    ranked_for = models.PositiveSmallIntegerField(default=0)
    # A digest of what the item's place in every list depends on (publish
    # moment, topics, pins), as of the last time the drain brought all
    # lists in line with it; empty when unknown. A change that leaves it
    # the same (a title edit) then costs the drain no ranking.
    inputs = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("related list")

    def __str__(self):
        return str(self.publication_id)


class RelatedItem(models.Model):
    """One of a publication's ranked related items (pins aside), in order.

    shared and target_publish_at are the ranking's keys, kept to tell
    without a count whether a newly live item ranks above the last one.
    """

    source = models.ForeignKey(
        RelatedList, on_delete=models.CASCADE, related_name="items"
    )
    # Kept when the target is deleted: the drain then finds the lists it
    # was in (readers join live targets, so it never shows meanwhile).
    target = models.ForeignKey(
        "Publication",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField()
    shared = models.PositiveSmallIntegerField()
    target_publish_at = models.DateTimeField()

    class Meta:
        verbose_name = _("related item")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "position"], name="unique_related_position"
            )
        ]
        # The lists an item is in, when it changes.
        indexes = [models.Index(fields=["target"], name="related_item_target_idx")]

    def __str__(self):
        return f"{self.source_id} -> {self.target_id}"


class StoredCard(models.Model):
    """A publication's card as rendered, kept so that no reader renders it.

    A list card is stored once for every heading level, with slots for the
    title and teaser (filled per page, so that search can mark matches);
    a related box whole. built_at is the content version it was built at:
    it counts while neither its item's key nor every page's key changed
    after (publications.cards), and is built again when read otherwise.
    """

    class Kind(models.TextChoices):
        LIST = "list", _("list card")
        RELATED = "related", _("related box")

    # No constraint in the database: a card stored as its item is deleted
    # must not fail the reader's page (it is never read: lists read live ids).
    publication = models.ForeignKey(
        "Publication",
        on_delete=models.CASCADE,
        db_constraint=False,
        # The unique constraint's index serves.
        db_index=False,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The card's HTML around its slots, joined by a character no card holds.
    parts = models.TextField()
    built_at = models.BigIntegerField()

    class Meta:
        verbose_name = _("stored card")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "kind"], name="unique_stored_card"
            )
        ]

    def __str__(self):
        return f"{self.kind} card of {self.publication_id}"
