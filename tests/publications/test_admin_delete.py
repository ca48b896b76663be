"""Deleting through the admin: editors only, and never what is still in use."""

import pytest
from django.urls import reverse

from authors.models import Author
from publications.models import PublicationType, Report, Series
from tests.factories import (
    get_type,
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(role="Editors"))
    return client


def _delete(client, obj, app="publications"):
    url = reverse(f"admin:{app}_{obj._meta.model_name}_delete", args=[obj.pk])
    return client.post(url, {"post": "yes"})


def _refusal(response):
    content = response.content.decode()
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (content)
    return content


def test_author_in_use_is_kept_and_the_page_names_the_publications(editor_client):
    author = make_author(name="Helena Marsh")
    report = make_report(title="Borderlands", authors=[author])
    related = make_related(title="Water Q and A", authors=[author])

    content = _refusal(_delete(editor_client, author, app="authors"))

    report_url = reverse("admin:publications_report_change", args=[report.pk])
    related_url = reverse(
        "admin:publications_relatedpublication_change", args=[related.pk]
    )
    assert f'Report: <a href="{report_url}">Borderlands</a>' in content
    assert f'Related publication: <a href="{related_url}">Water Q and A</a>' in content
    assert Author.objects.filter(pk=author.pk).exists()


def test_series_in_use_is_kept_and_the_page_names_the_reports(editor_client):
    series = make_series()
    make_report(title="First in series", series=series)

    content = _refusal(_delete(editor_client, series))

    assert "First in series" in content
    assert Series.objects.filter(pk=series.pk).exists()


def test_type_in_use_is_kept_and_the_page_names_the_publications(editor_client):
    commentary = get_type("commentary")
    related = make_related(title="A commentary", type_slug="commentary")

    content = _refusal(_delete(editor_client, commentary))

    url = reverse("admin:publications_relatedpublication_change", args=[related.pk])
    assert f'Related publication: <a href="{url}">A commentary</a>' in content
    assert PublicationType.objects.filter(pk=commentary.pk).exists()


def test_bulk_delete_of_authors_in_use_is_refused_with_names(editor_client):
    used = make_author(name="Used")
    make_report(title="Uses an author", authors=[used])
    unused = make_author(name="Unused")

    response = editor_client.post(
        reverse("admin:authors_author_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [used.pk, unused.pk],
            "post": "yes",
        },
    )

    assert "Uses an author" in _refusal(response)
    assert Author.objects.count() == 2


def test_unused_author_series_and_type_are_deleted(editor_client):
    author, series, news = make_author(), make_series(), get_type("news")

    _delete(editor_client, author, app="authors")
    _delete(editor_client, series)
    _delete(editor_client, news)

    assert not Author.objects.filter(pk=author.pk).exists()
    assert not Series.objects.filter(pk=series.pk).exists()
    assert not PublicationType.objects.filter(pk=news.pk).exists()


def test_editor_deletes_a_report_with_its_summary_and_authorships(editor_client):
    author = make_author()
    report = make_report(authors=[author], summary_points=["One"])

    response = _delete(editor_client, report)

    assert response.status_code == 302
    assert not Report.objects.exists()
    assert Author.objects.filter(pk=author.pk).exists()


def test_editor_bulk_deletes_reports(editor_client):
    reports = [make_report(authors=[make_author()]) for _ in range(2)]

    response = editor_client.post(
        reverse("admin:publications_report_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [r.pk for r in reports],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not Report.objects.exists()
