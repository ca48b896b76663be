import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from taggit.models import Tag

from publications.roles import (
    EXPORT,
    PUBLISH,
    may_change,
    may_export,
    may_preview,
    may_publish,
)
from tests.factories import (
    get_type,
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
)

pytestmark = pytest.mark.django_db

ADDABLE = {"report", "relatedpublication", "author", "series", "tag"}


def _codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_migration_creates_the_three_groups():
    names = set(Group.objects.values_list("name", flat=True))

    assert {"Contributors", "Editors", "Exporters"} <= names


def test_only_editors_may_publish_and_delete():
    publish = "{}.{}".format(*PUBLISH)
    contributors = _codenames("Contributors")
    editors = _codenames("Editors")

    assert publish in editors
    assert publish not in contributors
    assert "publications.delete_report" in editors
    assert not {p for p in contributors if p.split(".")[1].startswith("delete_")} - {
        # Removing a row on a publication's page is part of editing it.
        "publications.delete_summarypoint",
        "publications.delete_authorship",
        "publications.delete_pinnedpublication",
        "publications.delete_taggedpublication",
    }


def test_exporters_only_view_and_export():
    exporters = _codenames("Exporters")

    assert "{}.{}".format(*EXPORT) in exporters
    assert all(
        p.split(".")[1].startswith("view_")
        for p in exporters - {"{}.{}".format(*EXPORT)}
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # preview, publish, change a published item, change a draft, export
        ("Contributors", (True, False, False, True, False)),
        ("Editors", (True, True, True, True, True)),
        ("Exporters", (True, False, False, True, True)),
        ("superuser", (True, True, True, True, True)),
        (None, (False, False, False, True, False)),
    ],
)
def test_roles_answer_who_may_preview_publish_change_and_export(role, expected):
    if role == "superuser":
        user = make_user(is_superuser=True)
    else:
        user = make_user(role=role)
    published, draft = make_report(), make_report(published=False)

    answers = (
        may_preview(user),
        may_publish(user),
        may_change(user, published),
        may_change(user, draft),
        may_export(user),
    )

    assert answers == expected


@pytest.mark.parametrize("change", [{"is_staff": False}, {"is_active": False}])
def test_only_active_staff_may_preview_or_export(change):
    user = make_user(role="Editors")
    for name, value in change.items():
        setattr(user, name, value)
    user.save()

    assert (may_preview(user), may_export(user)) == (False, False)


@pytest.fixture
def objects():
    """One object of each model the admin edits, none of them in use."""
    return {
        "report": make_report(),
        "relatedpublication": make_related(),
        "author": make_author(),
        "series": make_series(),
        "publicationtype": get_type("commentary"),
        "tag": Tag.objects.create(name="Water", slug="water"),
    }


def _app(model):
    return {"author": "authors", "tag": "taggit"}.get(model, "publications")


def _pages(objects):
    for model, obj in objects.items():
        base = f"admin:{_app(model)}_{model}"
        yield model, "changelist", reverse(f"{base}_changelist")
        yield model, "add", reverse(f"{base}_add")
        yield model, "change", reverse(f"{base}_change", args=[obj.pk])
        yield model, "delete", reverse(f"{base}_delete", args=[obj.pk])


def _expected(role, model, page):
    if role in {"Editors", "superuser"}:
        return 200
    if page in {"changelist", "change"}:
        return 200  # the change page is a read-only view without change rights
    if role == "Contributors" and page == "add" and model in ADDABLE:
        return 200
    return 403


@pytest.mark.parametrize("role", ["Contributors", "Editors", "Exporters", "superuser"])
def test_each_role_loads_the_admin_pages_it_is_meant_to(client, objects, role):
    if role == "superuser":
        user = make_user(is_superuser=True)
    else:
        user = make_user(role=role)
    client.force_login(user)

    statuses = {
        (model, page): client.get(url).status_code
        for model, page, url in _pages(objects)
    }

    expected = {(model, page): _expected(role, model, page) for model, page in statuses}
    assert statuses == expected


@pytest.mark.parametrize("role", ["Contributors", "Editors", "Exporters"])
def test_no_role_but_superuser_manages_users(client, role):
    client.force_login(make_user(role=role))

    response = client.get(reverse("admin:auth_user_changelist"))

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, objects):
    for _model, _page, url in _pages(objects):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_a_role_sees_no_publications(client):
    client.force_login(make_user())

    response = client.get(reverse("admin:publications_report_changelist"))

    assert response.status_code == 403


def test_exporters_cannot_change_anything(client):
    report = make_report(title="Kept", slug="kept", published=False)
    client.force_login(make_user(role="Exporters"))
    change = reverse("admin:publications_report_change", args=[report.pk])

    response = client.post(change, {"title": "Changed", "status": "published"})

    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.title, report.status) == ("Kept", "draft")
    assert client.post(reverse("admin:publications_report_add"), {}).status_code == 403


def test_contributors_cannot_add_or_change_publication_types(client):
    client.force_login(make_user(role="Contributors"))
    analysis = get_type("analysis")
    data = {"name": "Op-ed", "slug": "op-ed", "kind": "related", "position": "0"}

    add = client.post(reverse("admin:publications_publicationtype_add"), data)
    change = client.post(
        reverse("admin:publications_publicationtype_change", args=[analysis.pk]), data
    )

    assert (add.status_code, change.status_code) == (403, 403)
    analysis.refresh_from_db()
    assert analysis.name == "Analysis"
