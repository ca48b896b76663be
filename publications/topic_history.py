"""Who changed which topics, and when: the records publications.topics keeps.

A change to a topic itself (rename, merge, delete) is logged on the topic,
where the Topic admin's History page shows it. A change to the topics an
item carries (merge, add, remove) is logged on each item changed, in a few
statements however many there are; the item's History page lists these
beside its saved versions (publications.admin.history). They are log
entries, not versions: a version per item costs ten queries an item, and a
topic on 14,000 items would be merged in minutes instead of a second.

A merge also carries the saved versions to the kept topic, so restoring
one from before the merge keeps the topic instead of dropping it.
"""

import json

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from reversion.models import Version

from publications.models import (
    Publication,
    RelatedPublication,
    Report,
    TaggedPublication,
)

# What marks an item's log entry as a topic change (see topic_change()).
TOPIC_CHANGE_MARK = '"name": "topic"'


def topic_change(action, name):
    """Return the part of a log message saying topic *name* was added or deleted.

    In the form of the admin's own messages, which LogEntry.get_change_message
    words ("Added topic “Water”.").
    """
    return {action: {"name": "topic", "object": name}}


def log_on_topics(user, topics, action_flag, message):
    """Log *message* on each of *topics*."""
    if topics:
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=topics,
            action_flag=action_flag,
            change_message=str(message),
        )


def log_on_items(user, publication_ids, changes):
    """Log on each item of *publication_ids* the topic *changes*(its id) made.

    Drafts of live items are left out: their item's log tells. Return the
    items logged as (id, title), by title.
    """
    items = list(
        Publication.objects.filter(pk__in=publication_ids, draft_of=None)
        .order_by("title", "pk")
        .values_list("pk", "kind", "title")
    )
    content_types = ContentType.objects.get_for_models(Report, RelatedPublication)
    content_type_of = {
        Publication.Kind.REPORT: content_types[Report].pk,
        Publication.Kind.RELATED: content_types[RelatedPublication].pk,
    }
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                user_id=user.pk,
                content_type_id=content_type_of[kind],
                object_id=str(pk),
                object_repr=title[:200],
                action_flag=CHANGE,
                change_message=json.dumps(changes(pk)),
            )
            for pk, kind, title in items
        ],
        batch_size=500,
    )
    return [(pk, title) for pk, kind, title in items]


def log_items_on_topic(user, topic, items, message):
    """Log on *topic* the *message* naming the titles of *items* (id, title)."""
    titles = [title for pk, title in items]
    if titles:
        listed = ", ".join(f"“{title}”" for title in titles[:10])
        if len(titles) > 10:
            listed += _(" and %(count)d more") % {"count": len(titles) - 10}
        log_on_topics(user, [topic], CHANGE, message % {"titles": listed})


def rename_message(old, new):
    """Return the log message of topic *old* renamed as *new*."""
    return _("Renamed from “%(old)s” (%(old_slug)s) to “%(new)s” (%(new_slug)s).") % {
        "old": old.name,
        "old_slug": old.slug,
        "new": new.name,
        "new_slug": new.slug,
    }


def carry_versions(source_ids, into):
    """Make the saved versions of items name *into* where they named a merged topic.

    Restoring a version from before the merge then brings back the kept
    topic rather than dropping one that no longer exists. Where a version
    named several of the merged topics, it keeps one row.
    """
    versions = Version.objects.get_for_model(TaggedPublication)
    # reversion keeps each row as Django's JSON ({"tag": 3, ...}): the LIKE
    # narrows the search, the parsed value decides.
    naming = [f'"tag": {pk}' for pk in source_ids]
    candidates = versions.none()
    for text in naming:
        candidates |= versions.filter(serialized_data__contains=text)
    revisions = candidates.values("revision_id")
    seen, changed, duplicates = set(), [], []
    for version in versions.filter(revision_id__in=revisions).order_by("pk"):
        data = json.loads(version.serialized_data)
        fields = data[0]["fields"]
        if fields["tag"] in source_ids:
            fields["tag"] = into.pk
            version.serialized_data = json.dumps(data)
            changed.append(version)
        key = (version.revision_id, fields["content_object"], fields["tag"])
        if key in seen:
            duplicates.append(version.pk)
        seen.add(key)
    Version.objects.bulk_update(changed, ["serialized_data"], batch_size=500)
    Version.objects.filter(pk__in=duplicates).delete()
