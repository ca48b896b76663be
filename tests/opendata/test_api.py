"""The read-only JSON API at /api/v1/: lists, items, filters and paging."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_author, make_related, make_report, make_series

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.FOLIO_SITE_URL = SITE


def _slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_a_publication_shows_authors_in_order_with_role_and_affiliation(client):
    first = make_author(name="Zoe Zimmer", slug="zoe")
    second = make_author(name="Adam Abbott", slug="adam")
    series = make_series(title="Water", slug="water")
    report = make_report(
        title="Rivers",
        slug="rivers",
        number=12,
        authors=[first, second],
        tags=["Water"],
        series=series,
        series_position=2,
        summary_points=["One.", "Two."],
        about="<p>About.</p>",
        pdf=True,
    )
    report.authorships.filter(author=second).update(
        role="editor", affiliation="River Institute"
    )
    response = client.get("/api/v1/publications/rivers/")
    assert response.status_code == 200
    data = response.json()
    assert [(a["name"], a["role"], a["affiliation"]) for a in data["authors"]] == [
        ("Zoe Zimmer", "author", ""),
        ("Adam Abbott", "editor", "River Institute"),
    ]
    assert data["authors"][0]["url"] == f"{SITE}/authors/zoe/"
    assert data["summary_points"] == ["One.", "Two."]
    assert data["about"] == "<p>About.</p>"
    assert data["topics"] == [
        {"slug": "water", "name": "Water", "url": f"{SITE}/topics/water/"}
    ]
    assert data["series"] == {
        "slug": "water",
        "title": "Water",
        "url": f"{SITE}/series/water/",
    }
    assert data["series_position"] == 2
    assert data["type"] == {
        "slug": "special-report",
        "name": "Special Report",
        "kind": "report",
    }
    assert (data["number"], data["type_label"]) == (12, "Special Report No. 12")
    assert data["url"] == f"{SITE}/publications/rivers/"
    assert data["pdf_url"] == f"{SITE}/publications/rivers/pdf/"
    assert data["published_at"].endswith("Z")


@pytest.mark.parametrize(
    "hidden",
    [
        {"published": False},
        {"publish_at": timezone.now() + timedelta(days=1)},
        {
            "publish_at": timezone.now() - timedelta(days=3),
            "unpublish_at": timezone.now() - timedelta(days=1),
        },
    ],
    ids=["draft", "scheduled", "expired"],
)
def test_only_live_items_are_served(client, hidden):
    make_report(slug="live")
    make_report(slug="hidden", **hidden)
    assert _slugs(client.get("/api/v1/publications/")) == ["live"]
    response = client.get("/api/v1/publications/hidden/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No live publication has this slug."}


def test_authors_series_and_topics_are_listed_only_with_something_live(client):
    shown, hidden = make_author(name="Shown", slug="shown"), make_author(slug="hid")
    make_report(
        authors=[shown], tags=["Live topic"], series=make_series(slug="live-series")
    )
    make_report(
        authors=[hidden],
        tags=["Secret topic"],
        series=make_series(slug="secret-series"),
        published=False,
    )
    authors = client.get("/api/v1/authors/").json()["results"]
    assert [(a["slug"], a["publication_count"]) for a in authors] == [("shown", 1)]
    series = client.get("/api/v1/series/").json()["results"]
    assert [(s["slug"], s["report_count"]) for s in series] == [("live-series", 1)]
    topics = client.get("/api/v1/topics/").json()["results"]
    assert [(t["slug"], t["publication_count"]) for t in topics] == [("live-topic", 1)]


def test_the_listing_filters_combine(client):
    author = make_author(slug="ann")
    series = make_series(slug="water")
    now = timezone.now()
    make_report(slug="match", authors=[author], series=series, tags=["Nile"])
    make_report(slug="other-series", authors=[author], tags=["Nile"])
    make_related(slug="analysis", authors=[author], tags=["Nile"])
    make_report(
        slug="last-year",
        series=series,
        tags=["Nile"],
        authors=[author],
        publish_at=now - timedelta(days=400),
    )
    year = (now - timedelta(days=1)).year
    query = f"type=special-report&topic=nile&series=water&author=ann&year={year}"
    assert _slugs(client.get(f"/api/v1/publications/?{query}")) == ["match"]
    assert _slugs(client.get("/api/v1/publications/?type=analysis")) == ["analysis"]
    assert _slugs(client.get("/api/v1/publications/?q=match")) == []
    assert _slugs(client.get("/api/v1/publications/?topic=unknown")) == []


def test_search_narrows_without_reordering(client):
    now = timezone.now()
    make_report(slug="older", title="Nile basin", publish_at=now - timedelta(days=2))
    make_report(slug="newer", title="Nile water", publish_at=now - timedelta(days=1))
    make_report(slug="unrelated", title="Mekong")
    assert _slugs(client.get("/api/v1/publications/?q=Nile")) == ["newer", "older"]


def test_cursor_pages_walk_the_whole_list_newest_first(client):
    now = timezone.now()
    same_moment = now - timedelta(days=1)
    expected = []
    for number in range(7):
        # Two share a publish date: the id breaks the tie.
        moment = same_moment if number < 2 else now - timedelta(days=number + 1)
        expected.append(make_report(slug=f"r{number}", publish_at=moment))
    expected.sort(key=lambda report: (report.publish_at, report.pk), reverse=True)
    url, seen = "/api/v1/publications/?page_size=3", []
    while url:
        page = client.get(url.removeprefix(SITE)).json()
        seen += [item["slug"] for item in page["results"]]
        url = page["next"]
        assert url is None or url.startswith(f"{SITE}/api/v1/publications/?")
    assert seen == [report.slug for report in expected]


def test_authors_are_paged_by_name(client):
    for name in ("Cid", "Abe", "Bea"):
        make_report(authors=[make_author(name=name)])
    first = client.get("/api/v1/authors/?page_size=2").json()
    second = client.get(first["next"].removeprefix(SITE)).json()
    names = [a["name"] for a in first["results"] + second["results"]]
    assert names == ["Abe", "Bea", "Cid"]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "year"),
        ("year=3000", "year"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("type=not%20a%20slug", "type"),
        ("q=a%00b", "q"),
        ("cursor=bm9wZQ", "cursor"),
        ("cursor=WyJ4IiwxXQ", "cursor"),
        ("colour=red", "Unknown query parameter: colour"),
    ],
)
def test_bad_arguments_are_a_clear_400(client, query, message):
    response = client.get(f"/api/v1/publications/?{query}")
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_unknown_paths_under_the_api_are_a_json_404(client):
    response = client.get("/api/v1/reports/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No API endpoint at this address."}
    assert response["Access-Control-Allow-Origin"] == "*"
