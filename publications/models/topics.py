from django.db import models
from django.utils.translation import gettext_lazy as _


class TopicRedirect(models.Model):
    """An old topic slug, answered with a permanent redirect to its topic.

    It points at the topic itself, not at a slug, so a chain of renames
    (a to b to c) never forms: /topics/a/ goes straight to the topic's slug
    of the day. Merging re-points the redirects of the merged topics, and a
    topic that takes an old slug removes its redirect (publications.topics).
    """

    old_slug = models.SlugField(
        _("old slug"), max_length=100, unique=True, allow_unicode=True
    )
    topic = models.ForeignKey(
        "taggit.Tag",
        on_delete=models.CASCADE,
        related_name="redirects",
        verbose_name=_("topic"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("topic redirect")
        ordering = ("old_slug",)

    def __str__(self):
        return f"{self.old_slug} → {self.topic_id}"
