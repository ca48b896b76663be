"""Authors' family names in citations, Scholar tags, JSON-LD and the index."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import bibtexparser
import lxml.html
import pytest
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from django.core.exceptions import ValidationError
from django.urls import reverse

from authors.models import Author
from tests.factories import make_author, make_report

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2024, 4, 30, 14, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def report():
    authors = [
        make_author(name="Wu Xinbo", given_names="Xinbo", family_name="Wu"),
        make_author(
            name="Anna van der Berg", given_names="Anna", family_name="van der Berg"
        ),
        make_author(name="Sukarno", family_name="Sukarno"),
    ]
    return make_report(
        title="Rivers and Rivals", number=277, authors=authors, publish_at=PUBLISHED
    )


def _page(response):
    return lxml.html.fromstring(response.content)


def _citation(page):
    return page.xpath('string(//section[@id="cite"]/p[@class="citation"])')


def _get(client, route, report):
    return client.get(reverse(route, kwargs={"slug": report.slug}))


def test_bibtex_names_parse_into_their_family_and_given_parts(client, report):
    text = _get(client, "publications:report-bibtex", report).content.decode()
    library = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    (entry,) = library.entries
    names = entry.fields_dict["author"].value
    assert [(n.first, n.von, n.last) for n in names] == [
        (["Xinbo"], [], ["Wu"]),
        (["Anna"], ["van", "der"], ["Berg"]),
        ([], [], ["Sukarno"]),
    ]
    assert entry.key.startswith("Wu2024")


def test_ris_authors_are_family_name_comma_given_names(client, report):
    lines = _get(client, "publications:report-ris", report).content.decode()
    authors = [line[6:] for line in lines.split("\r\n") if line.startswith("AU")]
    assert authors == ["Wu, Xinbo", "van der Berg, Anna", "Sukarno"]


def test_report_page_cites_and_describes_authors_by_their_parts(client, report):
    page = _page(client.get(report.get_absolute_url()))

    citation = _citation(page)
    # Written family name first already, so Chicago adds no comma (CMOS 15.9).
    assert citation.startswith("Wu Xinbo, Anna van der Berg, and Sukarno. 2024.")
    scholar = page.xpath('//meta[@name="citation_author"]/@content')
    assert scholar == ["Wu, Xinbo", "van der Berg, Anna", "Sukarno"]
    (script,) = page.xpath('//script[@type="application/ld+json"]/text()')
    people = json.loads(script)["author"]
    assert [(p["name"], p.get("givenName"), p.get("familyName")) for p in people] == [
        ("Wu Xinbo", "Xinbo", "Wu"),
        ("Anna van der Berg", "Anna", "van der Berg"),
        ("Sukarno", None, None),
    ]


def test_a_given_first_name_is_inverted_for_the_first_author_only(client):
    report = make_report(
        authors=[make_author(name="Amara Okafor"), make_author(name="Lena Brandt")],
        publish_at=PUBLISHED,
    )
    page = _page(client.get(report.get_absolute_url()))
    assert _citation(page).startswith("Okafor, Amara and Lena Brandt. 2024.")


def test_authors_index_is_sorted_by_family_name(client):
    make_report(
        authors=[
            make_author(name="Zoe Adams", slug="adams"),
            make_author(name="Wu Xinbo", family_name="Wu", given_names="Xinbo"),
            make_author(
                name="Anna van der Berg",
                family_name="van der Berg",
                given_names="Anna",
            ),
            make_author(name="Ben Carter", slug="carter"),
        ]
    )
    page = _page(client.get(reverse("publications:author-list")))
    names = page.xpath('//ul[contains(@class, "index-list")]/li/a/text()')
    assert names == ["Zoe Adams", "Ben Carter", "Anna van der Berg", "Wu Xinbo"]


def test_an_author_saved_without_parts_gets_a_best_effort_split():
    author = Author.objects.get(pk=make_author(name="Amara N. Okafor").pk)
    assert (author.given_names, author.family_name) == ("Amara N.", "Okafor")
    single = make_author(name="Plato")
    assert (single.given_names, single.family_name) == ("", "Plato")


def test_given_names_without_a_family_name_are_refused():
    author = Author(name="Wu Xinbo", slug="wu", given_names="Xinbo")
    with pytest.raises(ValidationError) as error:
        author.full_clean()
    assert "family_name" in error.value.message_dict
