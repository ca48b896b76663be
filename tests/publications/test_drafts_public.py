"""Unpublished changes never reach a public surface; staff preview them."""

import io

import pytest
from django.core.management import call_command

from publications import drafts
from publications.models import Authorship, Report
from tests.admin_pages import logged_in
from tests.factories import make_author, make_report, make_series, make_user

pytestmark = pytest.mark.django_db

SECRET = "Secret unpublished words"


@pytest.fixture
def item():
    """Return a live report and its draft, which holds SECRET everywhere."""
    live = make_report(
        title="Published words",
        slug="kept-report",
        teaser="Published teaser.",
        number=41,
        series=make_series(title="Kept series", slug="kept-series"),
        tags=["Kept topic"],
        authors=[make_author(name="Kept Author", slug="kept-author")],
        summary_points=["Published point"],
    )
    draft = drafts.draft_for(live)
    Report.objects.filter(pk=draft.pk).update(
        title=SECRET, teaser=f"{SECRET} teaser.", body=f"<p>{SECRET}</p>"
    )
    draft.tags.add("Draft-only topic")
    Authorship.objects.create(
        publication=draft,
        author=make_author(name="Draft Only Author", slug="draft-only-author"),
        position=5,
    )
    return live, Report.objects.get(pk=draft.pk)


def test_no_public_url_shows_a_draft_of_a_live_item(client, item):
    live, draft = item
    urls = {
        "/": "Published words",
        "/publications/": "Published words",
        "/publications/?q=secret": "No publications match",
        "/publications/?q=published": "1 publication",
        "/publications/?topic=kept-topic": "1 publication",
        "/publications/kept-report/": "Published point",
        "/publications/kept-report/?preview=draft": "Published point",
        "/authors/kept-author/": "Published words",
        "/series/kept-series/": "Published words",
        "/topics/": "Kept topic",
        "/feeds/publications/": "Published words",
        "/sitemap-publications.xml": "/publications/kept-report/",
        "/api/v1/publications/": "Published words",
        "/api/v1/publications/kept-report/": "Published words",
        "/oai/?verb=ListRecords&metadataPrefix=oai_dc": "Published words",
        "/oai/?verb=ListIdentifiers&metadataPrefix=oai_dc": f"publication/{live.pk}<",
    }
    for url, expected in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert expected in content, url
        for hidden in (SECRET, "Draft-only topic", "Draft Only Author", "~draft"):
            assert hidden not in content, (url, hidden)
        assert f"publication/{draft.pk}<" not in content, url  # nor its OAI id

    for url in (
        "/authors/draft-only-author/",
        "/topics/draft-only-topic/",
        f"/api/v1/publications/{draft.slug}/",
        f"/oai/?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:publication/{draft.pk}",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert SECRET not in response.content.decode(), url


@pytest.mark.parametrize("status", ["live", "draft", "all"])
def test_exports_list_the_item_once_as_published(item, status):
    out = io.StringIO()

    call_command(
        "export_publications", "--format=csv", f"--status={status}", stdout=out
    )

    assert SECRET not in out.getvalue()
    assert out.getvalue().count("Published words") == (0 if status == "draft" else 1)


def test_staff_preview_the_draft_at_the_items_address(item):
    live, _draft = item
    editor = logged_in(make_user(role="Contributors"))

    preview = editor.get(f"{live.get_absolute_url()}?preview=draft")
    published = editor.get(live.get_absolute_url())

    content = preview.content.decode()
    assert preview.status_code == 200
    assert SECRET in content and "Draft Only Author" in content
    assert "Unpublished changes, not public." in content
    assert "no-store" in preview["Cache-Control"]
    assert preview["X-Robots-Tag"] == "noindex"
    assert SECRET not in published.content.decode()
