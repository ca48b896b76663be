"""The publication admin forms: clashes, topics, rich text, links to the site."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from taggit.models import Tag

from publications.models import RelatedPublication, Report, Series
from tests.factories import (
    get_type,
    make_author,
    make_related,
    make_report,
    make_user,
    publication_admin_data,
)

pytestmark = pytest.mark.django_db

REPORT_ADD = "admin:publications_report_add"
RELATED_ADD = "admin:publications_relatedpublication_add"

XSS = (
    '<p onclick="steal()">Fine <strong>text</strong></p>'
    "<script>alert('script')</script>"
    '<img src="x" onerror="alert(\'img\')">'
    "<a href=\"javascript:alert('link')\">click</a>"
    "<svg><script>alert('svg')</script><a href=\"https://e.org\">s</a></svg>"
    "<math><mi>m</mi></math>"
    "<style>body { display: none }</style>"
    '<a href="https://example.org/">safe</a>'
)
FORBIDDEN = ("<script", "alert", "onerror", "onclick", "javascript:", "<svg", "<math",
             "<style", "<img")  # fmt: skip


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(role="Editors"))
    return client


def _errors(response):
    return response.context["adminform"].form.errors


def assert_clean(html):
    assert "<strong>text</strong>" in html
    assert '<a href="https://example.org/" rel="noopener">safe</a>' in html
    for needle in FORBIDDEN:
        assert needle not in html


# Slugs and numbers


def test_report_slug_used_by_a_related_publication_is_refused(editor_client):
    make_related(title="Water Q&A", slug="water")

    response = editor_client.post(
        reverse(REPORT_ADD), publication_admin_data(slug="water")
    )

    assert response.status_code == 200
    [message] = _errors(response)["slug"]
    assert message == (
        "The related publication “Water Q&A” already uses this slug. Reports and "
        "related publications share the address /publications/<slug>/, so choose "
        "another slug."
    )
    assert not Report.objects.exists()


def test_related_slug_used_by_a_report_is_refused(editor_client):
    make_report(title="Water Report", slug="water")

    response = editor_client.post(
        reverse(RELATED_ADD), publication_admin_data(kind="related", slug="water")
    )

    [message] = _errors(response)["slug"]
    assert message.startswith("The report “Water Report” already uses this slug.")
    assert not RelatedPublication.objects.exists()


def test_an_item_keeps_its_own_slug_when_saved_again(editor_client):
    report = make_report(slug="own")

    response = editor_client.post(
        reverse("admin:publications_report_change", args=[report.pk]),
        publication_admin_data(slug="own", title="Renamed"),
    )

    assert response.status_code == 302


def test_number_already_used_within_the_type_is_a_clear_error(editor_client):
    make_report(title="Earlier", number=277)

    response = editor_client.post(
        reverse(REPORT_ADD), publication_admin_data(slug="new", number="277")
    )

    assert _errors(response)["number"] == [
        "Special Report No. 277 already exists: “Earlier”. Choose another number."
    ]


def test_the_same_number_in_another_type_is_fine(editor_client):
    make_report(number=277, type_slug="peace-brief")

    response = editor_client.post(
        reverse(REPORT_ADD), publication_admin_data(slug="new", number="277")
    )

    assert response.status_code == 302


def test_type_choices_match_the_kind_of_publication(editor_client):
    report_types = editor_client.get(reverse(REPORT_ADD)).context["adminform"].form
    related_types = editor_client.get(reverse(RELATED_ADD)).context["adminform"].form

    report_slugs = {t.slug for t in report_types.fields["publication_type"].queryset}
    related_slugs = {t.slug for t in related_types.fields["publication_type"].queryset}
    assert "special-report" in report_slugs and "analysis" not in report_slugs
    assert "analysis" in related_slugs and "special-report" not in related_slugs


def test_a_report_type_on_a_related_publication_is_refused(editor_client):
    data = publication_admin_data(kind="related", slug="x")
    data["publication_type"] = get_type("special-report").pk

    response = editor_client.post(reverse(RELATED_ADD), data)

    assert "publication_type" in _errors(response)


def test_related_publication_needs_a_body_or_an_external_url(editor_client):
    data = publication_admin_data(kind="related", slug="x", body="", external_url="")

    response = editor_client.post(reverse(RELATED_ADD), data)

    assert response.status_code == 200
    assert "Give a body or an external URL." in response.content.decode()


# Rich text


@pytest.mark.parametrize("field", ["about", "body"])
def test_report_rich_text_is_sanitised(editor_client, field):
    editor_client.post(
        reverse(REPORT_ADD), publication_admin_data(slug="xss", **{field: XSS})
    )

    assert_clean(getattr(Report.objects.get(slug="xss"), field))


def test_related_publication_body_is_sanitised(editor_client):
    editor_client.post(
        reverse(RELATED_ADD),
        publication_admin_data(kind="related", slug="xss", body=XSS),
    )

    assert_clean(RelatedPublication.objects.get(slug="xss").body)


def test_series_description_is_sanitised(editor_client):
    editor_client.post(
        reverse("admin:publications_series_add"),
        {"title": "S", "slug": "s", "commissioned_by": "", "description": XSS},
    )

    assert_clean(Series.objects.get(slug="s").description)


def test_rich_text_fields_use_the_editor_with_tables(editor_client):
    response = editor_client.get(reverse(REPORT_ADD))

    widget = response.context["adminform"].form.fields["about"].widget
    extensions = widget.get_config()["extensions"]
    assert {"Table", "TableRow", "TableHeader", "TableCell"} <= set(extensions)
    assert b"data-django-prose-editor-configurable" in response.content


# Topics


def test_topics_are_chosen_and_created_in_one_go(editor_client):
    water = Tag.objects.create(name="Water", slug="water")
    Tag.objects.create(name="Global Policy", slug="global-policy")
    data = publication_admin_data(
        slug="tagged", tags=[water.pk], new_topics="global policy, Sahel"
    )

    editor_client.post(reverse(REPORT_ADD), data)

    names = set(Report.objects.get(slug="tagged").tags.names())
    assert names == {"Water", "Global Policy", "Sahel"}
    assert Tag.objects.count() == 3


def test_topic_autocomplete_finds_tags(editor_client):
    Tag.objects.create(name="Global Policy", slug="global-policy")
    Tag.objects.create(name="Water", slug="water")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "glo",
            "app_label": "publications",
            "model_name": "publication",
            "field_name": "tags",
        },  # fmt: skip
    )

    assert [r["text"] for r in response.json()["results"]] == ["Global Policy"]


def test_pinned_item_autocomplete_searches_both_kinds(editor_client):
    make_report(title="Water report")
    make_related(title="Water analysis")
    make_related(title="Elections")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "water",
            "app_label": "publications",
            "model_name": "pinnedpublication",
            "field_name": "target",
        },  # fmt: skip
    )

    texts = {r["text"] for r in response.json()["results"]}
    assert texts == {"Water report", "Water analysis"}


def test_author_autocomplete_is_offered_to_contributors(client):
    make_author(name="Helena Marsh")
    client.force_login(make_user(role="Contributors"))

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "hel",
            "app_label": "publications",
            "model_name": "authorship",
            "field_name": "author",
        },  # fmt: skip
    )

    assert [r["text"] for r in response.json()["results"]] == ["Helena Marsh"]


def test_pinning_an_item_to_itself_is_refused(editor_client):
    report = make_report(slug="self")
    data = publication_admin_data(slug="self")
    data |= {
        "pins-TOTAL_FORMS": "1",
        "pins-0-target": report.pk,
        "pins-0-position": "0",
    }

    response = editor_client.post(
        reverse("admin:publications_report_change", args=[report.pk]), data
    )

    assert response.status_code == 200
    assert "A publication cannot be pinned to itself." in response.content.decode()


# Inlines


def test_authors_and_summary_points_are_saved_in_the_order_given(editor_client):
    zoe, adam = make_author(name="Zoe"), make_author(name="Adam")
    data = publication_admin_data(slug="ordered")
    data |= {
        "authorships-TOTAL_FORMS": "2",
        "authorships-0-author": adam.pk,
        "authorships-0-role": "author",
        "authorships-0-position": "1",
        "authorships-1-author": zoe.pk,
        "authorships-1-role": "editor",
        "authorships-1-position": "0",
        "summary_points-TOTAL_FORMS": "2",
        "summary_points-0-text": "Second",
        "summary_points-0-position": "1",
        "summary_points-1-text": "First",
        "summary_points-1-position": "0",
    }

    editor_client.post(reverse(REPORT_ADD), data)

    report = Report.objects.get(slug="ordered")
    authorships = list(report.authorships.select_related("author"))
    assert [(a.author.name, a.role) for a in authorships] == [
        ("Zoe", "editor"),
        ("Adam", "author"),
    ]
    assert [p.text for p in report.summary_points.all()] == ["First", "Second"]


def test_an_author_listed_twice_is_a_form_error(editor_client):
    author = make_author()
    data = publication_admin_data(slug="twice")
    data |= {"authorships-TOTAL_FORMS": "2"}
    for index in (0, 1):
        data |= {
            f"authorships-{index}-author": author.pk,
            f"authorships-{index}-role": "author",
            f"authorships-{index}-position": str(index),
        }

    response = editor_client.post(reverse(REPORT_ADD), data)

    assert response.status_code == 200
    assert not Report.objects.exists()


def test_change_form_offers_sortable_inlines(editor_client):
    report = make_report(authors=[make_author()], summary_points=["One"])

    response = editor_client.get(
        reverse("admin:publications_report_change", args=[report.pk])
    )

    content = response.content.decode()
    assert content.count('class="module folio-sortable"') == 3
    assert "folio-admin/sortable-inlines.js" in content
    assert 'class="folio-position"' in content


# Links to the public site


def _view_on_site_url(publication):
    content_type = ContentType.objects.get_for_model(type(publication))
    return reverse("admin:view_on_site", args=[content_type.pk, publication.pk])


@pytest.mark.parametrize(
    "make",
    [lambda: make_report(published=False), lambda: make_related(published=False)],
)
def test_a_draft_offers_a_preview(editor_client, make):
    draft = make()
    name = draft._meta.model_name

    response = editor_client.get(
        reverse(f"admin:publications_{name}_change", args=[draft.pk])
    )

    content = response.content.decode()
    assert (
        f'href="{_view_on_site_url(draft)}" class="viewsitelink" target="_blank"'
        in (content)
    )
    assert ">Preview</a>" in content
    assert ">View on site</a>" not in content


def test_a_live_item_offers_view_on_site(editor_client):
    report = make_report()

    response = editor_client.get(
        reverse("admin:publications_report_change", args=[report.pk])
    )

    content = response.content.decode()
    assert f'href="{_view_on_site_url(report)}" class="viewsitelink"' in content
    assert ">View on site</a>" in content
    assert ">Preview</a>" not in content


def test_view_on_site_leads_to_the_public_page(editor_client):
    draft = make_report(slug="not-yet", published=False)

    response = editor_client.get(_view_on_site_url(draft))

    assert response.status_code == 302
    assert response["Location"].endswith("/publications/not-yet/")


# Two people at once


def test_saving_over_a_newer_save_is_refused_once_then_allowed(editor_client):
    report = make_report(slug="shared", title="Original")
    url = reverse("admin:publications_report_change", args=[report.pk])
    started_from = report.version
    theirs = publication_admin_data(slug="shared", title="Theirs")
    editor_client.post(url, theirs | {"edit_version": started_from})
    mine = publication_admin_data(slug="shared", title="Mine")

    response = editor_client.post(url, mine | {"edit_version": started_from})

    assert response.status_code == 200
    assert "This report was changed by you (in another tab or window)" in (
        response.content.decode()
    )
    assert Report.objects.get(pk=report.pk).title == "Theirs"
    newer = response.context["adminform"].form["edit_version"].value()
    response = editor_client.post(url, mine | {"edit_version": newer})
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).title == "Mine"


def test_an_open_form_cannot_silently_undo_a_bulk_publish(editor_client):
    draft = make_related(slug="draft", published=False)
    started_from = draft.version
    editor_client.post(
        reverse("admin:publications_relatedpublication_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )

    response = editor_client.post(
        reverse("admin:publications_relatedpublication_change", args=[draft.pk]),
        publication_admin_data(kind="related", slug="draft", status="draft")
        | {"edit_version": started_from},
    )

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.is_live()


def test_a_pinned_item_opens_in_the_admin_of_its_kind(editor_client):
    related = make_related()

    response = editor_client.get(
        reverse("admin:publications_publication_change", args=[related.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:publications_relatedpublication_change", args=[related.pk]
    )
