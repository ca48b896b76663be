from django.db import models
from taggit.models import TaggedItemBase


class TaggedPublication(TaggedItemBase):
    """Tags point straight at the publication table (no content types)."""

    content_object = models.ForeignKey(
        "Publication", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_publication_tag"
            )
        ]
        indexes = [models.Index(fields=["tag", "content_object"])]
