"""The Topic admin and the topic actions of the publication lists."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from reversion.models import Version
from taggit.models import Tag

from publications.models import Report, TopicRedirect
from publications.topics import merge_topics
from tests.admin_pages import admin_url, logged_in, open_form, publish_changes
from tests.factories import make_named_user, make_related, make_report, make_user

pytestmark = pytest.mark.django_db

TOPICS = reverse("admin:taggit_tag_changelist")
REPORTS = reverse("admin:publications_report_changelist")
RELATED = reverse("admin:publications_relatedpublication_changelist")


@pytest.fixture
def editor():
    return logged_in(make_user(role="Editors"))


@pytest.fixture
def contributor():
    return logged_in(make_user(role="Contributors"))


def topic(name):
    return Tag.objects.get(name=name)


def act(client, url, action, items, **data):
    return client.post(
        url,
        {"action": action, "_selected_action": [item.pk for item in items], **data},
        follow=True,
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def action_names(client, url):
    form = client.get(url).context["action_form"]
    choices = form.fields["action"].choices if form else ()
    return {name for name, label in choices} - {""}


# The list and the change form


def test_the_list_counts_each_topics_publications_and_searches(editor):
    make_report(tags=["Water", "Rivers"])
    make_related(tags=["Water"], published=False)
    Tag.objects.create(name="Orphan")

    response = editor.get(TOPICS)
    counts = {tag.name: tag.usage for tag in response.context["cl"].result_list}
    searched = editor.get(TOPICS, {"q": "riv"}).context["cl"].result_list

    assert counts == {"Orphan": 0, "Rivers": 1, "Water": 2}
    assert [tag.name for tag in searched] == ["Rivers"]
    unused = editor.get(TOPICS, {"used": "no"}).context["cl"].result_list
    assert [tag.name for tag in unused] == ["Orphan"]


def test_an_editor_renames_a_topic_and_its_history_says_so(editor, client):
    make_report(tags=["Middle-East"])
    tag = topic("Middle-East")
    url = reverse("admin:taggit_tag_change", args=[tag.pk])

    response = editor.post(url, {"name": "Middle East", "slug": "mena"})

    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Middle East", "mena")
    assert client.get("/topics/middle-east/")["Location"] == "/topics/mena/"
    history = editor.get(reverse("admin:taggit_tag_history", args=[tag.pk]))
    assert "Renamed from “Middle-East” (middle-east) to “Middle East” (mena)." in (
        history.content.decode()
    )
    assert LogEntry.objects.filter(object_id=str(tag.pk)).count() == 1
    assert '<div class="readonly">middle-east</div>' in editor.get(url).content.decode()
    assert "middle-east" in editor.get(TOPICS).content.decode()  # old addresses
    assert editor.get(reverse("admin:taggit_tag_add")).status_code == 200


def test_a_blank_slug_is_made_from_the_new_name(editor):
    make_report(tags=["Gulf"])
    tag = topic("Gulf")
    editor.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        {"name": "Persian Gulf", "slug": ""},
    )
    tag.refresh_from_db()
    assert tag.slug == "persian-gulf"
    assert TopicRedirect.objects.get().old_slug == "gulf"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "slug": "x"}, "This field is required."),
        ({"name": "water", "slug": ""}, "There is already a topic “Water”"),
        ({"name": "Fresh", "slug": "water"}, "already has the address “water”"),
    ],
)
def test_a_bad_rename_is_a_form_error_and_changes_nothing(editor, data, message):
    make_report(tags=["Water", "Rivers"])
    tag = topic("Rivers")

    response = editor.post(reverse("admin:taggit_tag_change", args=[tag.pk]), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Rivers", "rivers")
    assert not TopicRedirect.objects.exists()


def test_a_contributor_may_not_rename_merge_or_prune(contributor):
    make_report(tags=["Water"])
    tag = topic("Water")
    url = reverse("admin:taggit_tag_change", args=[tag.pk])

    response = contributor.post(url, {"name": "Rivers", "slug": "rivers"})

    assert response.status_code == 403
    assert topic("Water").slug == "water"
    assert contributor.get(url).status_code == 200  # to read
    assert action_names(contributor, TOPICS) == set()
    act(contributor, TOPICS, "merge_selected", [tag], apply="1", into=tag.pk)
    assert Tag.objects.count() == 1


# Merging


@pytest.fixture
def drift():
    make_report(title="One", tags=["Middle-East"])
    make_report(title="Two", tags=["MENA", "Middle-East"])
    make_related(title="Three", tags=["MENA"], published=False)
    return [topic("MENA"), topic("Middle-East")]


def test_merge_asks_which_topic_to_keep_then_merges(editor, drift):
    confirm = act(editor, TOPICS, "merge_selected", drift)

    assert confirm.templates[0].name == "admin/publications/topic_merge.html"
    page = confirm.content.decode()
    assert "/topics/mena/" in page and "/topics/middle-east/" in page
    assert Tag.objects.count() == 2  # nothing changed yet

    done = act(
        editor, TOPICS, "merge_selected", drift, apply="1", into=topic("MENA").pk
    )

    assert messages_of(done) == ["Merged into “MENA”: 2 publications changed."]
    assert list(Tag.objects.values_list("name", flat=True)) == ["MENA"]
    assert TopicRedirect.objects.get().old_slug == "middle-east"


def test_merge_of_one_topic_or_into_another_says_why_and_changes_nothing(editor, drift):
    one = act(editor, TOPICS, "merge_selected", drift[:1], apply="1", into=drift[0].pk)
    assert messages_of(one) == [
        "Select two or more topics: those to merge and the one to keep."
    ]
    other = Tag.objects.create(name="Water")
    outside = act(editor, TOPICS, "merge_selected", drift, apply="1", into=other.pk)
    assert "Select a valid choice" in outside.content.decode()
    assert Tag.objects.count() == 3
    assert not TopicRedirect.objects.exists()


def test_delete_unused_topics_keeps_those_in_use(editor):
    make_report(tags=["Water"])
    Tag.objects.create(name="Orphan")

    response = act(editor, TOPICS, "delete_unused", list(Tag.objects.all()))

    assert messages_of(response) == [
        "Deleted 1 unused topic: Orphan.",
        "Kept the topics in use: Water. Merge them instead.",
    ]
    assert list(Tag.objects.values_list("name", flat=True)) == ["Water"]


# Adding and removing topics on publication lists


def test_editors_are_offered_the_topic_actions(editor):
    assert {"merge_selected", "delete_unused"} <= action_names(editor, TOPICS)
    assert {"add_topic", "remove_topic"} <= action_names(editor, REPORTS)
    assert {"add_topic", "remove_topic"} <= action_names(editor, RELATED)


def test_add_topic_asks_which_then_adds_it_to_the_selected_items(editor):
    first = make_report(title="First", tags=["Water"])
    second = make_report(title="Second", tags=["Rivers"])

    form = act(editor, REPORTS, "add_topic", [first, second])
    assert form.templates[0].name == "admin/publications/topic_bulk.html"
    assert sorted(first.tags.names()) == ["Water"]

    done = act(
        editor,
        REPORTS,
        "add_topic",
        [first, second],
        apply="1",
        topic=topic("Rivers").pk,
    )

    assert messages_of(done) == ["“Rivers” added to 1 publication."]  # one had it
    assert sorted(first.tags.names()) == ["Rivers", "Water"]
    history = editor.get(reverse("admin:publications_report_history", args=[first.pk]))
    assert "Added topic “Rivers”." in history.content.decode()


def test_add_topic_makes_a_new_topic_once_it_is_checked(editor):
    report = make_report(tags=["Water"])

    clash = act(editor, REPORTS, "add_topic", [report], apply="1", new_topic="WATER")
    neither = act(editor, REPORTS, "add_topic", [report], apply="1")
    made = act(editor, REPORTS, "add_topic", [report], apply="1", new_topic="Dams")

    assert "There is already a topic “Water”" in clash.content.decode()
    assert "Choose a topic or name a new one." in neither.content.decode()
    assert messages_of(made) == ["“Dams” added to 1 publication."]
    assert sorted(report.tags.names()) == ["Dams", "Water"]


def test_remove_topic_offers_the_topics_of_the_selected_items(editor):
    item = make_related(title="Item", tags=["Water", "Rivers"])
    make_related(tags=["Dams"])

    form = act(editor, RELATED, "remove_topic", [item])
    offered = [tag.name for tag in form.context["form"].fields["topic"].queryset]
    done = act(
        editor, RELATED, "remove_topic", [item], apply="1", topic=topic("Water").pk
    )

    assert offered == ["Rivers", "Water"]
    assert messages_of(done) == ["“Water” removed from 1 publication."]
    assert list(item.tags.names()) == ["Rivers"]


def test_a_contributor_adds_topics_to_unpublished_items_only(contributor):
    live = make_report(title="Live", tags=["Water"])
    draft = make_report(title="Draft", tags=["Water"], published=False)
    rivers = Tag.objects.create(name="Rivers")

    done = act(
        contributor, REPORTS, "add_topic", [live, draft], apply="1", topic=rivers.pk
    )

    assert list(live.tags.names()) == ["Water"]
    assert sorted(draft.tags.names()) == ["Rivers", "Water"]
    assert messages_of(done) == [
        "Published items were left as they were: only an editor can change them.",
        "“Rivers” added to 1 publication.",
    ]


def test_restoring_a_version_from_before_a_merge_keeps_the_kept_topic():
    report = make_report(tags=["MENA", "Middle-East", "Water"])
    user = make_named_user()
    client = logged_in(user)
    client.post(admin_url(report), open_form(client, admin_url(report), report))
    kept = Tag.objects.create(name="Middle East", slug="middle-east-region")
    merge_topics([topic("MENA"), topic("Middle-East")], kept, user=user)
    client.post(admin_url(report), open_form(client, admin_url(report), report))
    earliest = Version.objects.get_for_object(report).order_by("pk").first()

    page = open_form(client, admin_url(report, "revision", earliest.pk), report)
    response = client.post(
        admin_url(report, "revision", earliest.pk), page | {"_save": ""}
    )

    assert response.status_code == 302
    publish_changes(client, report)
    assert sorted(Report.objects.get(pk=report.pk).tags.names()) == [
        "Middle East",
        "Water",
    ]


def test_the_history_page_lists_topic_changes_beside_the_versions():
    report = make_report(tags=["Water"])
    user = make_named_user()
    client = logged_in(user)
    client.post(admin_url(report), open_form(client, admin_url(report), report))
    history_url = admin_url(report, "history")
    assert "Current version" in client.get(history_url).content.decode()

    act(client, REPORTS, "add_topic", [report], apply="1", new_topic="Dams")

    page = client.get(history_url).content.decode()
    assert "Topic changes made for many items at once" in page
    assert "Added topic “Dams”." in page
    # The latest version lacks the new topic: it is no longer current.
    assert "Current version" not in page
