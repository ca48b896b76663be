"""Head metadata: titles, description, canonical, Open Graph, JSON-LD, Scholar."""

import json
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_author, make_report, make_series

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2024, 4, 30, 14, 0, tzinfo=ZoneInfo("UTC"))


class HeadParser(HTMLParser):
    """Collect <meta>, <link> and JSON-LD blocks of a page."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.json_ld, self.title = [], [], [], ""
        self._in_json_ld = self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta.append(attrs)
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        self._in_json_ld = self._in_json_ld and tag != "script"
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data
        if self._in_title:
            self.title += data

    def named(self, name):
        return [m["content"] for m in self.meta if m.get("name") == name]

    def prop(self, name):
        return [m["content"] for m in self.meta if m.get("property") == name]


def parse(response):
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def report():
    authors = [
        make_author(name="Zoë Okafor", position="Senior fellow"),
        make_author(name="Lena Brandt"),
        make_author(name="Ann Lee"),
    ]
    return make_report(
        title="Truces </script><script>alert(1)</script> & borders",
        number=277,
        teaser='How "local" truces hold.',
        authors=authors,
        tags=["Mediation", "Sahel"],
        series=make_series(title="Local Peace"),
        publish_at=PUBLISHED,
        image=True,
        pdf=True,
    )


def test_report_page_carries_every_meta_tag_with_authors_in_order(client, report):
    head = parse(client.get(report.get_absolute_url()))
    url = settings.FOLIO_SITE_URL + report.get_absolute_url()

    assert head.title == f"{report.title} · {settings.FOLIO_SITE_NAME}"
    assert head.named("description") == ['How "local" truces hold.']
    assert [link["href"] for link in head.links if link["rel"] == "canonical"] == [url]
    assert head.prop("og:title") == [report.title]
    assert head.prop("og:description") == ['How "local" truces hold.']
    assert head.prop("og:type") == ["article"]
    assert head.prop("og:url") == [url]
    # The Open Graph card of the 64 × 48 cover: its shape, never enlarged.
    card = settings.FOLIO_SITE_URL + report.image.url + ".og.jpg"
    assert head.prop("og:image") == [card]
    assert head.prop("og:image:width") == ["64"]
    assert head.prop("og:image:height") == ["34"]
    assert head.prop("article:published_time") == ["2024-04-30T14:00:00+00:00"]
    assert head.named("twitter:card") == ["summary_large_image"]

    assert head.named("citation_title") == [report.title]
    assert head.named("citation_author") == ["Okafor, Zoë", "Brandt, Lena", "Lee, Ann"]
    assert head.named("citation_publication_date") == ["2024/04/30"]
    assert head.named("citation_publisher") == [settings.FOLIO_SITE_NAME]
    assert head.named("citation_technical_report_number") == ["277"]
    pdf_url = settings.FOLIO_SITE_URL + f"/publications/{report.slug}/pdf/"
    assert head.named("citation_pdf_url") == [pdf_url]
    assert head.named("citation_abstract_html_url") == [url]


def test_report_json_ld_parses_and_cannot_close_its_script(client, report):
    response = client.get(report.get_absolute_url())
    content = response.content.decode()
    head = parse(response)

    assert "<script>alert(1)" not in content
    (block,) = head.json_ld
    data = json.loads(block)
    assert data["@type"] == "Report"
    assert data["name"] == report.title
    assert data["description"] == 'How "local" truces hold.'
    assert data["datePublished"] == "2024-04-30T14:00:00+00:00"
    assert [a["name"] for a in data["author"]] == [
        "Zoë Okafor",
        "Lena Brandt",
        "Ann Lee",
    ]
    assert all(
        a["@type"] == "Person" and a["url"].startswith("http") for a in data["author"]
    )
    assert data["publisher"]["name"] == settings.FOLIO_SITE_NAME
    assert data["isPartOf"]["name"] == "Local Peace"
    assert sorted(data["keywords"]) == ["Mediation", "Sahel"]
    assert data["image"].endswith(report.image.url)
    assert data["encoding"]["encodingFormat"] == "application/pdf"
    assert data["associatedMedia"]["contentUrl"].endswith("/pdf/")


def test_author_page_has_person_json_ld_and_its_feed(client):
    author = make_author(name="Ann </script> Lee", position="Fellow")
    make_report(authors=[author])
    head = parse(client.get(author.get_absolute_url()))
    (block,) = head.json_ld
    data = json.loads(block)
    assert data["@type"] == "Person"
    assert data["name"] == "Ann </script> Lee"
    assert data["jobTitle"] == "Fellow"
    feeds = [link["href"] for link in head.links if link.get("rel") == "alternate"]
    assert reverse("publications:feed-author", kwargs={"slug": author.slug}) in feeds


def test_report_page_shows_a_chicago_citation_and_download_links(client, report):
    content = client.get(report.get_absolute_url()).content.decode()
    cite = content.split('id="cite"', 1)[1]
    assert "Okafor, Zoë, Lena Brandt, and Ann Lee. 2024." in cite
    assert "Special Report No. 277" in cite
    assert f'href="/publications/{report.slug}/cite.bib"' in cite
    assert f'href="/publications/{report.slug}/cite.ris"' in cite


def test_every_public_page_has_a_unique_title_and_links_the_feeds(client, report):
    paths = [
        "/",
        "/publications/",
        report.get_absolute_url(),
        "/authors/",
        report.authors.first().get_absolute_url(),
        "/series/",
        report.series.get_absolute_url(),
        "/topics/",
        "/topics/sahel/",
    ]
    titles = []
    for path in paths:
        head = parse(client.get(path))
        titles.append(head.title)
        assert head.named("description"), path
        types = {
            link.get("type") for link in head.links if link.get("rel") == "alternate"
        }
        assert {"application/rss+xml", "application/atom+xml"} <= types, path
    assert len(set(titles)) == len(titles)


def test_previews_of_drafts_carry_no_scholar_tags_or_citation(
    client, django_user_model
):
    draft = make_report(published=False, publish_at=timezone.now() - timedelta(days=1))
    staff = django_user_model.objects.create_superuser("boss", password="pw")
    client.force_login(staff)
    content = client.get(draft.get_absolute_url()).content.decode()
    assert "citation_title" not in content
    assert 'id="cite"' not in content
    assert not re.search(r"application/ld\+json", content)
