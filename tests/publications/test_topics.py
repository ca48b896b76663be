"""Tidying topics: renames and merges keep every link, item and cache right.

Run this module with DATABASE_URL set to a PostgreSQL database too.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from publications.caching import content_version
from publications.drafts import draft_for
from publications.models import Publication, TaggedPublication, TopicRedirect
from publications.search import search_publications
from publications.topics import (
    TopicError,
    add_topic,
    delete_unused_topics,
    merge_topics,
    remove_topic,
    rename_topic,
)
from tests.factories import make_related, make_report, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user(role="Editors")


def topic(name):
    return Tag.objects.get(name=name)


def topic_names(publication):
    return sorted(publication.tags.names())


def topic_log(tag):
    """Return the admin log entries of *tag*, oldest first."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Tag), object_id=str(tag.pk)
    ).order_by("pk")


def item_log(item):
    """Return (user, message) of the admin log entries of *item*, oldest first."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=str(item.pk)
    ).order_by("pk")
    return [(entry.user, entry.get_change_message()) for entry in entries]


def found(text):
    return [p.title for p in search_publications(Publication.objects.live(), text)]


# Renaming


def test_a_rename_redirects_the_old_page_and_feed_for_good(client, editor):
    make_report(title="Oasis", tags=["Middle-East"])
    rename_topic(topic("Middle-East"), name="Middle East", slug="mena", user=editor)

    page = client.get("/topics/middle-east/?type=special-report")
    feed = client.get("/feeds/topics/middle-east/")

    assert page.status_code == 301
    assert page["Location"] == "/topics/mena/?type=special-report"
    assert feed.status_code == 301
    assert feed["Location"] == "/feeds/topics/mena/"
    assert "Oasis" in client.get("/topics/mena/").content.decode()


def test_a_chain_of_renames_redirects_straight_to_the_last_name(client, editor):
    make_report(tags=["a"])
    rename_topic(topic("a"), name="b", user=editor)
    rename_topic(topic("b"), name="c", user=editor)

    assert client.get("/topics/a/")["Location"] == "/topics/c/"
    assert client.get("/topics/b/")["Location"] == "/topics/c/"
    assert client.get("/feeds/topics/a/")["Location"] == "/feeds/topics/c/"
    assert client.get("/topics/c/").status_code == 200


def test_a_topic_taking_an_old_slug_answers_it_instead_of_the_redirect(client, editor):
    make_report(title="Old", tags=["Gulf"])
    rename_topic(topic("Gulf"), name="Persian Gulf", user=editor)
    make_report(title="New", tags=["Gulf"])  # a new topic with the old slug

    assert not TopicRedirect.objects.filter(old_slug="gulf").exists()
    response = client.get("/topics/gulf/")
    assert response.status_code == 200
    assert "New" in response.content.decode()


def test_renaming_back_removes_the_redirect_it_would_loop_on(client, editor):
    make_report(tags=["Sahel"])
    rename_topic(topic("Sahel"), name="West Sahel", user=editor)
    rename_topic(topic("West Sahel"), name="Sahel", user=editor)

    assert list(TopicRedirect.objects.values_list("old_slug", flat=True)) == [
        "west-sahel"
    ]
    assert client.get("/topics/sahel/").status_code == 200
    assert client.get("/topics/west-sahel/")["Location"] == "/topics/sahel/"


def test_old_slugs_of_topics_with_nothing_live_answer_404(client, editor):
    make_report(tags=["Hidden"], published=False)
    rename_topic(topic("Hidden"), name="Still hidden", user=editor)

    assert client.get("/topics/hidden/").status_code == 404
    assert client.get("/feeds/topics/hidden/").status_code == 404


@pytest.mark.parametrize(
    ("name", "slug", "message"),
    [
        ("  ", "", "Give the topic a name."),
        ("Water", "", "There is already a topic “Water”"),
        ("WATER", "", "There is already a topic “Water”"),
        ("Fresh water", "water", "already has the address “water”"),
        ("Fresh water", "not a slug!", "cannot be a topic's address"),
    ],
)
def test_a_bad_rename_says_why_and_changes_nothing(editor, name, slug, message):
    make_report(tags=["Water", "Rivers"])
    version = content_version()

    with pytest.raises(TopicError, match=message):
        rename_topic(topic("Rivers"), name=name, slug=slug, user=editor)

    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["rivers", "water"]
    assert not TopicRedirect.objects.exists()
    assert not LogEntry.objects.exists()
    assert content_version() == version


def test_a_rename_is_found_by_search_at_once_and_logged_on_the_topic(editor):
    make_report(title="Fisheries", tags=["Atolls"])
    version = content_version()

    rename_topic(topic("Atolls"), name="Lagoons", user=editor)

    assert found("lagoons") == ["Fisheries"]
    assert found("atolls") == []
    assert content_version() != version
    (entry,) = topic_log(topic("Lagoons"))
    assert entry.user == editor
    assert entry.get_change_message() == (
        "Renamed from “Atolls” (atolls) to “Lagoons” (lagoons)."
    )


# Merging


@pytest.fixture
def drifted():
    """Three spellings of one topic on live items, a draft and a live item's draft."""
    live = make_report(title="Live", tags=["Middle-East", "Water"])
    both = make_report(title="Both", tags=["MENA", "Middle East", "Middle-East"])
    draft = make_related(title="Draft", tags=["MENA"], published=False)
    changes = draft_for(make_report(title="Changed", tags=["Middle East"]))
    changes.tags.set(["MENA", "Water"])
    return {"live": live, "both": both, "draft": draft, "changes": changes}


def test_a_merge_moves_every_use_to_the_kept_topic_drafts_included(drifted, editor):
    spellings = make_related(title="Spellings", tags=["MENA", "Middle-East"])
    kept = topic("Middle East")
    changed = merge_topics(
        [topic("MENA"), topic("Middle-East"), kept], kept, user=editor
    )

    assert changed == 5
    assert topic_names(spellings) == ["Middle East"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == [
        "Middle East",
        "Water",
    ]
    assert topic_names(drifted["live"]) == ["Middle East", "Water"]
    assert topic_names(drifted["both"]) == ["Middle East"]
    assert topic_names(drifted["draft"]) == ["Middle East"]
    assert topic_names(drifted["changes"]) == ["Middle East", "Water"]


def test_a_merge_redirects_old_slugs_and_collapses_older_redirects(
    client, drifted, editor
):
    rename_topic(topic("MENA"), name="Mena", slug="mena-region", user=editor)
    merge_topics([topic("Mena")], topic("Middle-East"), user=editor)

    redirects = dict(TopicRedirect.objects.values_list("old_slug", "topic__slug"))
    assert redirects == {"mena": "middle-east", "mena-region": "middle-east"}
    assert client.get("/topics/mena/")["Location"] == "/topics/middle-east/"
    assert client.get("/feeds/topics/mena-region/")["Location"] == (
        "/feeds/topics/middle-east/"
    )


def test_a_merge_is_searchable_logged_and_kept_in_each_items_history(drifted, editor):
    version = content_version()
    merge_topics([topic("MENA")], topic("Water"), user=editor)

    assert content_version() != version
    assert found("mena") == []
    assert sorted(found("water")) == ["Both", "Live"]
    water = topic("Water")
    assert [entry.get_change_message() for entry in topic_log(water)] == [
        "Merged “MENA” into this topic (3 publications)."
    ]
    assert item_log(drifted["both"]) == [
        (editor, "Deleted topic “MENA”. Added topic “Water”.")
    ]
    assert item_log(drifted["live"]) == []
    assert item_log(drifted["draft"]) == [
        (editor, "Deleted topic “MENA”. Added topic “Water”.")
    ]
    # A live item's unpublished changes are logged on the item, not apart.
    assert item_log(drifted["changes"]) == []


def test_merging_a_topic_into_itself_is_refused_and_changes_nothing(drifted, editor):
    kept = topic("MENA")
    with pytest.raises(TopicError, match="Choose topics other than “MENA”"):
        merge_topics([kept], kept, user=editor)
    assert Tag.objects.count() == 4
    assert not TopicRedirect.objects.exists()


@pytest.mark.parametrize("change", ["merge", "add", "remove"])
def test_the_queries_do_not_grow_with_the_items_changed(editor, change):
    def run(count):
        for number in range(count):
            make_related(title=f"Item {number}", tags=["Aid", "Relief"])
        items = Publication.objects.filter(tagged_items__tag__name="Aid")
        with CaptureQueriesContext(connection) as queries:
            if change == "merge":
                merge_topics([topic("Aid")], topic("Relief"), user=editor)
            elif change == "add":
                add_topic(items, Tag.objects.create(name="Help"), user=editor)
            else:
                remove_topic(items, topic("Relief"), user=editor)
        Tag.objects.all().delete()
        return len(queries)

    run(1)  # content types and the version row, read once per process
    assert run(3) == run(12)


# Adding and removing on many items


def test_adding_a_topic_reaches_the_items_and_their_drafts(editor):
    live = make_report(title="Live", tags=["Water"])
    changes = draft_for(live)
    plain = make_related(title="Plain", tags=[])
    version = content_version()

    count = add_topic(
        Publication.objects.filter(pk__in=[live.pk, plain.pk]),
        Tag.objects.create(name="Rivers"),
        user=editor,
    )

    assert count == 2
    assert topic_names(live) == ["Rivers", "Water"]
    assert topic_names(changes) == ["Rivers", "Water"]
    assert topic_names(plain) == ["Rivers"]
    assert sorted(found("rivers")) == ["Live", "Plain"]
    assert content_version() != version
    assert item_log(live) == [(editor, "Added topic “Rivers”.")]


def test_removing_a_topic_reaches_the_items_and_their_drafts(editor):
    live = make_report(title="Live", tags=["Water", "Rivers"])
    changes = draft_for(live)
    other = make_report(title="Other", tags=["Rivers"])

    count = remove_topic(
        Publication.objects.filter(pk=live.pk), topic("Rivers"), user=editor
    )

    assert count == 1
    assert topic_names(live) == ["Water"]
    assert topic_names(changes) == ["Water"]
    assert topic_names(other) == ["Rivers"]
    assert found("rivers") == ["Other"]
    (entry,) = topic_log(topic("Rivers"))
    assert entry.get_change_message() == "Removed from “Live”."


def test_a_topic_change_on_items_is_an_edit_conflict_for_open_forms(editor):
    report = make_report(tags=["Water"])
    add_topic(Publication.objects.filter(pk=report.pk), topic("Water"), user=editor)
    assert Publication.objects.get(pk=report.pk).version == report.version  # no-op
    add_topic(
        Publication.objects.filter(pk=report.pk),
        Tag.objects.create(name="Dams"),
        user=editor,
    )
    assert Publication.objects.get(pk=report.pk).version == report.version + 1


# Pruning


def test_only_unused_topics_are_deleted(editor):
    make_report(tags=["Used"])
    make_related(tags=["Draft only"], published=False)
    Tag.objects.create(name="Orphan")

    deleted, kept = delete_unused_topics(list(Tag.objects.all()), user=editor)

    assert deleted == ["Orphan"]
    assert kept == ["Draft only", "Used"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Draft only", "Used"]
    entry = LogEntry.objects.get(object_repr="Orphan")
    assert entry.is_deletion() and entry.user == editor


def test_a_rolled_back_merge_leaves_everything_as_it_was(drifted, editor, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("search index down")

    # The search text is rewritten last but one, after the topics are gone.
    monkeypatch.setattr("publications.topics.update_search_index", fail)
    rows = sorted(TaggedPublication.objects.values_list("content_object", "tag"))

    with pytest.raises(RuntimeError):
        merge_topics([topic("MENA")], topic("Middle East"), user=editor)

    assert (
        sorted(TaggedPublication.objects.values_list("content_object", "tag")) == rows
    )
    assert Tag.objects.count() == 4
    assert not TopicRedirect.objects.exists()
    assert not LogEntry.objects.exists()
    assert found("mena") == ["Both"]
