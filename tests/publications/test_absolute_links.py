"""Absolute links start at FOLIO_SITE_URL, whatever Host or proxy headers say."""

import re
import xml.etree.ElementTree as ET

import pytest

from publications.models import Report
from tests.factories import make_author, make_related, make_report, make_series

pytestmark = pytest.mark.django_db

SITE = "https://folio.example.org"
EXTERNAL = "https://elsewhere.example.net/podcast"

MACHINE_PAGES = [
    "/feeds/publications/",
    "/feeds/publications/atom/",
    "/feeds/topics/water/",
    "/feeds/authors/amara/",
    "/feeds/series/borders/",
    "/sitemap.xml",
    "/sitemap-publications.xml",
    "/sitemap-authors.xml",
    "/sitemap-series.xml",
    "/sitemap-topics.xml",
    "/robots.txt",
]
# Pages whose head carries canonical, Open Graph, citation and JSON-LD links.
HTML_PAGES = [
    "/",
    "/publications/water-peace/",
    "/authors/amara/",
    "/series/borders/",
    "/topics/water/",
]

# What a stray or forged request may carry; each is accepted by Django.
HOSTILE = {
    "host with a port": {"host": "testserver:6666"},
    "forwarded host": {"x-forwarded-host": "evil.example"},
    "forwarded scheme": {"x-forwarded-proto": "https"},
    "all at once": {
        "host": "testserver:6666",
        "x-forwarded-host": "evil.example:8443",
        "x-forwarded-proto": "https",
    },
}


@pytest.fixture
def site(settings):
    """Serve a small site at SITE, trusting proxy headers as production does."""
    settings.FOLIO_SITE_URL = SITE
    settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    amara = make_author(name="Amara Okafor", slug="amara")
    borders = make_series(title="Borders", slug="borders")
    make_report(
        title="Water & Peace",
        slug="water-peace",
        authors=[amara],
        tags=["Water"],
        series=borders,
        pdf=True,
        number=4,
    )
    make_related(title="Talks", authors=[amara], tags=["Water"])
    make_related(title="Podcast", tags=["Water"], external_url=EXTERNAL)


def xml_links(content):
    """Return every address an XML feed or sitemap links to."""
    root = ET.fromstring(content)
    found = []
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in {"link", "guid", "id", "loc"} and element.text:
            found.append(element.text.strip())
        found += [element.get(key) for key in ("href", "url") if element.get(key)]
    return found


def text_links(content):
    return re.findall(r"https?://\S+", content.decode())


@pytest.mark.parametrize("path", MACHINE_PAGES)
def test_machine_pages_link_only_to_the_configured_address(client, site, path):
    response = client.get(path)
    assert response.status_code == 200
    links = (
        text_links(response.content)
        if path.endswith(".txt")
        else xml_links(response.content)
    )

    assert links
    for link in links:
        assert link.startswith(f"{SITE}/") or link == EXTERNAL, link


@pytest.mark.parametrize("path", MACHINE_PAGES + HTML_PAGES)
@pytest.mark.parametrize("headers", HOSTILE.values(), ids=HOSTILE.keys())
def test_request_headers_never_change_a_public_page(client, site, path, headers):
    normal = client.get(path)
    hostile = client.get(path, headers=headers)

    assert hostile.status_code == normal.status_code == 200
    assert hostile.content == normal.content
    # The port with its colon: bare digits can occur by chance in a timestamp.
    for host in (b"testserver", b"evil.example", b":6666", b":8443"):
        assert host not in hostile.content


def test_a_report_page_heads_links_start_at_the_configured_address(client, site):
    content = client.get("/publications/water-peace/").content.decode()
    head = content.split("</head>", 1)[0]

    links = re.findall(r"https?://[^\s\"<]+", head)
    assert f'<link rel="canonical" href="{SITE}/publications/water-peace/">' in head
    assert f"{SITE}/publications/water-peace/pdf/" in links
    for link in links:
        assert link.startswith(f"{SITE}/") or link == "https://schema.org", link


def test_feed_entries_have_absolute_ids_and_links(client, site):
    root = ET.fromstring(client.get("/feeds/publications/").content)
    items = {item.findtext("title"): item for item in root.iter("item")}

    report = items["Water & Peace"]
    page = f"{SITE}{Report.objects.get().get_absolute_url()}"
    assert report.findtext("link") == page
    assert report.findtext("guid") == page
    assert report.find("enclosure").get("url") == f"{page}pdf/"
    assert items["Podcast"].findtext("link") == EXTERNAL
    self_link = root.find("channel/{http://www.w3.org/2005/Atom}link")
    assert self_link.get("href") == f"{SITE}/feeds/publications/"


def test_sitemap_index_names_every_section_at_the_configured_address(client, site):
    response = client.get("/sitemap.xml")

    assert ET.fromstring(response.content).tag == (
        "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    )
    assert xml_links(response.content) == [
        f"{SITE}/sitemap-{section}.xml"
        for section in ("publications", "authors", "series", "topics")
    ]
    assert response["Last-Modified"]
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"


def test_sitemap_index_lists_every_page_of_a_long_section(client, site, monkeypatch):
    from publications.sitemaps import PublicationSitemap

    monkeypatch.setattr(PublicationSitemap, "limit", 1)

    links = xml_links(client.get("/sitemap.xml").content)

    assert f"{SITE}/sitemap-publications.xml" in links
    assert f"{SITE}/sitemap-publications.xml?p=2" in links


def test_links_follow_a_site_address_with_a_path(client, site, settings):
    settings.FOLIO_SITE_URL = "https://example.org/folio/"

    for path in ("/feeds/publications/", "/sitemap.xml", "/sitemap-series.xml"):
        for link in xml_links(client.get(path).content):
            assert link.startswith("https://example.org/folio/") or link == EXTERNAL
            assert "/folio//" not in link


@pytest.mark.parametrize("path", ["/feeds/publications/atom/", "/sitemap.xml"])
def test_a_stray_host_cannot_choose_what_the_page_cache_serves(
    client, site, settings, shared_cache, path
):
    settings.FOLIO_PAGE_CACHE_SECONDS = 3600
    first = client.get(path, headers={"host": "localhost:6666"})
    cached = client.get(path)

    assert first["X-Cache"] == "miss"
    assert cached["X-Cache"] == "hit"
    assert b"localhost" not in cached.content
    assert f"{SITE}/".encode() in cached.content
