"""Citation block and downloads: BibTeX parses, RIS is well formed, order kept."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import bibtexparser
import pytest
from django.urls import reverse
from django.utils import timezone

from publications.citations import bibtex_escape, chicago_citation
from tests.factories import make_author, make_report

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2024, 4, 30, 14, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def report():
    authors = [
        make_author(name="Zoë O'Brien-Núñez"),
        make_author(name="Amara Okafor"),
        make_author(name="Lena Brandt"),
    ]
    return make_report(
        title="Tariffs & Truces: 50% of {Border} Deals_Revisited #2",
        number=277,
        authors=authors,
        tags=["Trade", "Conflict"],
        teaser="How trade deals end wars.",
        publish_at=PUBLISHED,
        pdf=True,
    )


def test_bibtex_download_parses_with_authors_in_order(client, report):
    response = client.get(
        reverse("publications:report-bibtex", kwargs={"slug": report.slug})
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "techreport"
    fields = {field.key: field.value for field in entry.fields}
    assert fields["author"] == ("O'Brien-Núñez, Zoë and Okafor, Amara and Brandt, Lena")
    assert fields["title"] == (
        r"{Tariffs \& Truces: 50\% of \{Border\} Deals\_Revisited \#2}"
    )
    assert fields["number"] == "277"
    assert fields["type"] == "Special Report"
    assert fields["year"] == "2024"
    assert fields["url"].endswith(f"/publications/{report.slug}/")


def test_bibtex_escape_handles_every_special_character():
    assert bibtex_escape(r"\ { } & % $ # _ ~ ^") == (
        r"\textbackslash{} \{ \} \& \% \$ \# \_ \textasciitilde{} \textasciicircum{}"
    )


def test_ris_download_is_well_formed_with_authors_in_order(client, report):
    response = client.get(
        reverse("publications:report-ris", kwargs={"slug": report.slug})
    )
    assert response.status_code == 200
    lines = response.content.decode().split("\r\n")
    assert lines[0] == "TY  - RPRT"
    assert lines[-2] == "ER  - " and lines[-1] == ""
    for line in lines[:-1]:
        assert line[2:6] == "  - ", line
    values = [(line[:2], line[6:]) for line in lines[:-2]]
    assert [v for tag, v in values if tag == "AU"] == [
        "O'Brien-Núñez, Zoë",
        "Okafor, Amara",
        "Brandt, Lena",
    ]
    assert ("TI", report.title) in values
    assert ("PY", "2024") in values
    assert ("DA", "2024/04/30") in values
    assert ("SN", "277") in values
    assert sorted(v for tag, v in values if tag == "KW") == ["Conflict", "Trade"]
    assert any(tag == "L1" and v.endswith("/pdf/") for tag, v in values)


@pytest.mark.parametrize(
    "route", ["publications:report-bibtex", "publications:report-ris"]
)
def test_citations_of_drafts_and_scheduled_reports_are_404(client, route):
    draft = make_report(published=False)
    scheduled = make_report(publish_at=timezone.now() + timedelta(hours=2))
    for report in (draft, scheduled):
        assert (
            client.get(reverse(route, kwargs={"slug": report.slug})).status_code == 404
        )


def test_chicago_citation_lists_authors_in_order(report):
    authors = [a.author for a in report.authorships.select_related("author")]
    text = chicago_citation(report, authors=authors, url="https://x.org/r/")
    assert text.startswith(
        "O'Brien-Núñez, Zoë, Amara Okafor, and Lena Brandt. 2024. \u201cTariffs"
    )
    assert "Special Report No. 277" in text
    assert text.endswith("https://x.org/r/.")
