"""Keeping topics tidy: rename, merge, add to or remove from items, prune.

Each change runs in one transaction with everything that follows from it:
redirects from old slugs, the search text of the affected publications,
the content version (so cached pages, related items, filter options, counts
and feeds follow at once) and the history. Bad input raises TopicError
before anything is written.

Merges and bulk changes write the topic rows in a few statements rather
than through taggit's managers, whose receivers work row by row, so they
rewrite the search text and move the content version on themselves, once.

History: publications.topic_history.
"""

from collections import defaultdict

from django.contrib.admin.models import CHANGE, DELETION
from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from taggit.models import Tag

from publications.caching.versions import public_content_changed
from publications.derived.changes import record_changes
from publications.models import Publication, TaggedPublication, TopicRedirect
from publications.search import update_search_index
from publications.topic_history import (
    carry_versions,
    log_items_on_topic,
    log_on_items,
    log_on_topics,
    rename_message,
    topic_change,
)


class TopicError(Exception):
    """The change cannot be made; the message says why, and nothing changed."""


def unused_topics():
    """Return the topics no publication carries, drafts included."""
    return Tag.objects.exclude(
        Exists(TaggedPublication.objects.filter(tag=OuterRef("pk")))
    )


def clean_topic_name(name, slug="", *, topic=None):
    """Return (name, slug) for a topic, the slug made from the name if blank.

    Raise TopicError if the name is blank or another topic has the name (in
    any case) or the slug.
    """
    name = " ".join((name or "").split())
    if not name:
        raise TopicError(_("Give the topic a name."))
    slug = (slug or "").strip() or Tag().slugify(name)
    try:
        validate_unicode_slug(slug)
    except ValidationError:
        raise TopicError(
            _("“%(slug)s” cannot be a topic's address: use letters, numbers, hyphens.")
            % {"slug": slug}
        ) from None
    others = Tag.objects.exclude(pk=topic.pk) if topic else Tag.objects.all()
    if clash := others.filter(name__iexact=name).first():
        raise TopicError(
            _("There is already a topic “%(name)s”: merge the two instead.")
            % {"name": clash.name}
        )
    if clash := others.filter(slug=slug).first():
        raise TopicError(
            _(
                "The topic “%(name)s” already has the address “%(slug)s”: merge "
                "the two, or choose another address."
            )
            % {"name": clash.name, "slug": slug}
        )
    return name, slug


@transaction.atomic
def rename_topic(topic, *, name, slug="", user):
    """Give *topic* a new name and slug; its old slug redirects to it."""
    name, slug = clean_topic_name(name, slug, topic=topic)
    old = Tag.objects.select_for_update().get(pk=topic.pk)
    if (old.name, old.slug) == (name, slug):
        return topic
    topic.name, topic.slug = name, slug
    # The receivers move the content version on and rewrite the search text
    # of every publication carrying the topic (publications.signals).
    topic.save()
    if old.slug != slug:
        TopicRedirect.objects.update_or_create(
            old_slug=old.slug, defaults={"topic": topic}
        )
    log_on_topics(user, [topic], CHANGE, rename_message(old, topic))
    return topic


@transaction.atomic
def merge_topics(topics, into, *, user):
    """Move every use of *topics* to *into*, delete them, and redirect their slugs.

    Drafts keep their topics as published items do. Return how many
    publications changed.
    """
    source_ids = sorted({topic.pk for topic in topics} - {into.pk})
    if not source_ids:
        raise TopicError(
            _("Choose topics other than “%(name)s” to merge into it.")
            % {"name": into.name}
        )
    locked = list(
        Tag.objects.select_for_update()
        .filter(pk__in=[*source_ids, into.pk])
        .order_by("pk")
    )
    if len(locked) != len(source_ids) + 1:
        raise TopicError(_("A topic to merge was deleted meanwhile; choose again."))
    sources = [tag for tag in locked if tag.pk != into.pk]
    source_rows = TaggedPublication.objects.filter(tag_id__in=source_ids)
    names = {tag.pk: tag.name for tag in sources}
    merged_on = defaultdict(list)  # item id: names of the merged topics it had
    for pk, tag_id in source_rows.values_list("content_object_id", "tag_id"):
        merged_on[pk].append(names[tag_id])
    publication_ids = set(merged_on)
    had_target = set(
        TaggedPublication.objects.filter(
            tag=into, content_object_id__in=publication_ids
        ).values_list("content_object_id", flat=True)
    )
    # Each item keeps one row: its first merged row becomes the target's,
    # unless it has the target already; the rows left over are removed.
    first_row = (
        TaggedPublication.objects.filter(
            content_object=OuterRef("content_object"), tag_id__in=source_ids
        )
        .order_by("pk")
        .values("pk")[:1]
    )
    source_rows.exclude(
        content_object__in=TaggedPublication.objects.filter(tag=into).values(
            "content_object"
        )
    ).filter(pk=Subquery(first_row)).update(tag=into)
    _delete_rows(source_rows)
    # Redirects collapse on write: those of the merged topics now point at
    # the target, which is where their old slugs go.
    TopicRedirect.objects.filter(topic_id__in=source_ids).update(topic=into)
    TopicRedirect.objects.bulk_create(
        [TopicRedirect(old_slug=tag.slug, topic=into) for tag in sources]
    )
    listed = ", ".join(f"“{tag.name}”" for tag in sources)
    log_on_topics(
        user, sources, DELETION, _("Merged into “%(name)s”.") % {"name": into.name}
    )
    Tag.objects.filter(pk__in=source_ids).delete()
    carry_versions(source_ids, into)
    log_on_topics(
        user,
        [into],
        CHANGE,
        ngettext(
            "Merged %(names)s into this topic (%(count)d publication).",
            "Merged %(names)s into this topic (%(count)d publications).",
            len(publication_ids),
        )
        % {"names": listed, "count": len(publication_ids)},
    )
    _topics_changed(
        publication_ids,
        user=user,
        changes=lambda pk: [
            *(topic_change("deleted", name) for name in sorted(merged_on[pk])),
            *([] if pk in had_target else [topic_change("added", into.name)]),
        ],
    )
    return len(publication_ids)


@transaction.atomic
def add_topic(publications, topic, *, user):
    """Add *topic* to *publications* and their drafts; return how many changed."""
    _lock(topic)
    ids = _with_drafts(publications)
    have = set(
        TaggedPublication.objects.filter(
            tag=topic, content_object_id__in=ids
        ).values_list("content_object_id", flat=True)
    )
    changed = sorted(set(ids) - have)
    TaggedPublication.objects.bulk_create(
        [TaggedPublication(tag=topic, content_object_id=pk) for pk in changed]
    )
    items = _topics_changed(
        changed, user=user, changes=lambda pk: [topic_change("added", topic.name)]
    )
    log_items_on_topic(user, topic, items, _("Added to %(titles)s."))
    return len(items)


@transaction.atomic
def remove_topic(publications, topic, *, user):
    """Remove *topic* from *publications* and their drafts; return how many changed."""
    _lock(topic)
    rows = TaggedPublication.objects.filter(
        tag=topic, content_object_id__in=_with_drafts(publications)
    )
    changed = sorted(set(rows.values_list("content_object_id", flat=True)))
    _delete_rows(rows)
    items = _topics_changed(
        changed, user=user, changes=lambda pk: [topic_change("deleted", topic.name)]
    )
    log_items_on_topic(user, topic, items, _("Removed from %(titles)s."))
    return len(items)


@transaction.atomic
def delete_unused_topics(topics, *, user):
    """Delete those of *topics* that nothing uses; return (deleted, kept) names."""
    ids = [topic.pk for topic in topics]
    unused = list(unused_topics().select_for_update().filter(pk__in=ids))
    kept = sorted(
        topic.name for topic in topics if topic.pk not in {t.pk for t in unused}
    )
    log_on_topics(user, unused, DELETION, _("Deleted as unused."))
    Tag.objects.filter(pk__in=[topic.pk for topic in unused]).delete()
    return sorted(topic.name for topic in unused), kept


def _delete_rows(rows):
    """Delete the TaggedPublication *rows* in one statement.

    QuerySet.delete() sends post_delete for each row, and its receivers
    rewrite the search text and check the content version once per row:
    four queries a row. _topics_changed does both once for all the items.
    """
    rows._raw_delete(rows.db)


def _lock(topic):
    if not Tag.objects.select_for_update().filter(pk=topic.pk).exists():
        raise TopicError(_("That topic was deleted meanwhile; choose another."))


def _with_drafts(publications):
    """Return the ids of *publications* and of their drafts.

    A draft replaces its item's topics when it is published, so a topic
    added to or removed from an item goes to its draft too.
    """
    ids = set(publications.values_list("pk", flat=True))
    drafts = Publication.objects.filter(draft_of__in=ids).values_list("pk", flat=True)
    return sorted(ids | set(drafts))


def _topics_changed(publication_ids, *, user, changes):
    """Bring what follows from the topics of *publication_ids* up to date.

    *changes* gives, for an item's id, what happened to its topics in the
    form of the admin's log (LogEntry.get_change_message words it). Return
    the items logged, as (id, title): drafts of live items are theirs.
    """
    if not publication_ids:
        return []
    ids = sorted(publication_ids)
    update_search_index(ids)
    # Bulk rows send no signals: queue the items for their related lists
    # and the facet counts (publications.derived).
    record_changes(ids)
    if Publication.objects.live().filter(pk__in=ids).exists():
        public_content_changed()
    # An edit form opened before this holds the old topics: its save is now
    # an edit conflict, not a silent undo (core.admin.conflicts).
    Publication.objects.filter(pk__in=ids).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    return log_on_items(user, ids, changes)


def _slug_taken(sender, instance, raw=False, **kwargs):
    # A topic with this slug now answers it: the old redirect would hide it.
    TopicRedirect.objects.filter(old_slug=instance.slug).delete()


post_save.connect(_slug_taken, sender=Tag, dispatch_uid="folio-topic-slug-taken")
