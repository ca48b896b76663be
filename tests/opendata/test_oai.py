"""OAI-PMH 2.0 at /oai/: verbs, oai_dc records, errors, paging."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from opendata.oai_records import record_identifier
from tests.factories import make_author, make_related, make_report, make_series
from tests.opendata.oai_checks import (
    OAI,
    assert_valid_oai,
    dc_values,
    header_list,
    oai_error,
    token_of,
)

pytestmark = pytest.mark.django_db

BASE_URL = "http://127.0.0.1:8000/oai/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.FOLIO_SITE_URL = "http://127.0.0.1:8000"
    settings.FOLIO_PUBLISHER = "Folio Institute for Peace"


def _identifier(publication):
    return record_identifier(publication.pk)


def test_identify_describes_the_repository(oai):
    root = oai(verb="Identify")
    identify = root.find(f"{OAI}Identify")
    assert identify.findtext(f"{OAI}baseURL") == BASE_URL
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"
    assert identify.findtext(f"{OAI}deletedRecord") == "persistent"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    assert root.find(f"{OAI}request").get("verb") == "Identify"


def test_get_record_gives_dublin_core_in_the_editors_order(oai):
    first = make_author(name="Zoe Zimmer")
    second = make_author(name="Adam Abbott")
    series = make_series(title="Mediation in Practice", slug="mediation")
    report = make_report(
        title="Local ceasefires",
        slug="local-ceasefires",
        teaser="What local deals build.",
        number=277,
        tags=["Mediation", "Ceasefires"],
        authors=[first, second],
        series=series,
        pdf=True,
    )
    root = oai(
        verb="GetRecord", identifier=_identifier(report), metadataPrefix="oai_dc"
    )
    assert dc_values(root, "title") == ["Local ceasefires"]
    assert dc_values(root, "creator") == ["Zimmer, Zoe", "Abbott, Adam"]
    assert dc_values(root, "description") == ["What local deals build."]
    assert dc_values(root, "subject") == ["Ceasefires", "Mediation"]
    assert dc_values(root, "date") == [
        timezone.localdate(report.publish_at).isoformat()
    ]
    assert dc_values(root, "type") == ["Text", "Special Report No. 277"]
    assert dc_values(root, "identifier") == [
        "http://127.0.0.1:8000/publications/local-ceasefires/"
    ]
    assert dc_values(root, "publisher") == ["Folio Institute for Peace"]
    assert dc_values(root, "relation") == [
        "http://127.0.0.1:8000/series/mediation/",
        "http://127.0.0.1:8000/publications/local-ceasefires/pdf/",
    ]
    assert "application/pdf" in dc_values(root, "format")
    specs = [spec.text for spec in root.iter(f"{OAI}setSpec")]
    assert specs == ["series:mediation", "type:special-report"]


def test_list_metadata_formats_offers_oai_dc(oai):
    report = make_report()
    for arguments in ({}, {"identifier": _identifier(report)}):
        root = oai(verb="ListMetadataFormats", **arguments)
        assert [e.text for e in root.iter(f"{OAI}metadataPrefix")] == ["oai_dc"]


def test_list_sets_names_only_series_and_types_with_live_items(oai):
    make_report(series=make_series(title="Live series", slug="live-series"))
    make_report(
        series=make_series(title="Secret series", slug="secret"),
        type_slug="peaceworks",
        published=False,
    )
    root = oai(verb="ListSets")
    specs = [spec.text for spec in root.iter(f"{OAI}setSpec")]
    assert specs == ["type", "series", "type:special-report", "series:live-series"]


def test_drafts_and_scheduled_items_never_appear(oai):
    live = make_report()
    make_report(published=False)
    make_report(publish_at=timezone.now() + timedelta(days=2))
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert header_list(root) == [(_identifier(live), None)]


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": "Identify", "set": "x"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-01"},
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-01-01",
                "until": "2024-02-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-02-01",
                "until": "2024-01-01",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai dc"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "a::b"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "resumptionToken": "nonsense"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:elsewhere:1",
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        ({"verb": "ListMetadataFormats", "identifier": "oai:x:99"}, "idDoesNotExist"),
        (
            {
                "verb": "ListIdentifiers",
                "metadataPrefix": "oai_dc",
                "set": "series:none",
            },
            "noRecordsMatch",
        ),
        (
            {
                "verb": "ListIdentifiers",
                "metadataPrefix": "oai_dc",
                "from": "2999-01-01",
            },
            "noRecordsMatch",
        ),
        ({"verb": "Identify", "junk": "\x01"}, "badArgument"),
    ],
)
def test_bad_requests_get_the_protocol_error(oai, arguments, code):
    make_report()
    root = oai(**arguments)
    assert oai_error(root) == code
    request = root.find(f"{OAI}request")
    assert request.text == BASE_URL
    if code in {"badVerb", "badArgument"}:
        assert dict(request.attrib) == {}


def test_a_repeated_argument_is_a_bad_argument(client):
    response = client.get("/oai/?verb=Identify&verb=Identify")
    assert oai_error(assert_valid_oai(response.content)) == "badArgument"


def test_post_works_without_a_csrf_token(oai):
    report = make_report(title="Posted")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/oai/",
        {
            "verb": "GetRecord",
            "identifier": _identifier(report),
            "metadataPrefix": "oai_dc",
        },
    )
    assert response.status_code == 200
    assert dc_values(assert_valid_oai(response.content), "title") == ["Posted"]


def test_other_methods_are_refused(client):
    assert client.put("/oai/").status_code == 405


def test_list_records_pages_through_resumption_tokens(oai, settings):
    settings.FOLIO_OAI_PAGE_SIZE = 2
    reports = [make_report(title=f"Report {n}") for n in range(5)]
    seen, cursors = [], []
    root = oai(verb="ListRecords", metadataPrefix="oai_dc")
    while True:
        seen += dc_values(root, "title")
        token = token_of(root)
        if token is None or not token.text:
            break
        cursors.append(token.get("cursor"))
        root = oai(verb="ListRecords", resumptionToken=token.text)
    assert seen == [report.title for report in reports]
    assert cursors == ["0", "2"]
    assert token.get("cursor") == "4"


def test_from_and_until_select_by_datestamp(oai):
    old = make_report(title="Old")
    new = make_report(title="New")
    type(old).objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(days=30),
        publish_at=timezone.now() - timedelta(days=30),
    )
    day = (timezone.now() - timedelta(days=10)).strftime("%Y-%m-%d")
    since = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": day})
    until = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until=day)
    assert header_list(since) == [(_identifier(new), None)]
    assert header_list(until) == [(_identifier(old), None)]


def test_until_takes_in_the_whole_last_second(oai):
    report = make_report()
    second = report.updated_at.astimezone(timezone.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until=second)
    assert header_list(root) == [(_identifier(report), None)]


def test_sets_select_series_and_types(oai):
    series = make_series(slug="water")
    in_series = make_report(series=series)
    related = make_related(type_slug="analysis")
    by_series = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="series:water")
    any_series = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="series")
    by_type = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="type:analysis")
    assert header_list(by_series) == [(_identifier(in_series), None)]
    assert header_list(any_series) == [(_identifier(in_series), None)]
    assert header_list(by_type) == [(_identifier(related), None)]


@pytest.mark.parametrize("rows", [3, 12])
def test_list_records_sends_the_same_queries_whatever_the_page_size(
    client, settings, django_assert_num_queries, rows
):
    settings.FOLIO_OAI_PAGE_SIZE = rows
    author = make_author()
    now = timezone.now()
    for number in range(rows):
        # Expired items are deleted records, read in a query of their own.
        gone = make_report(series=make_series(), publish_at=now - timedelta(days=9))
        type(gone).objects.filter(pk=gone.pk).update(unpublish_at=now - timedelta(1))
        if number % 2:
            make_related(authors=[author], tags=["Water"])
        else:
            make_report(
                authors=[author], tags=["Water"], series=make_series(), pdf=True
            )
    # Live page (1) and its authors and topics (2), expired (1), withdrawn (1).
    with django_assert_num_queries(5):
        response = client.get(
            "/oai/", {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
        )
    root = assert_valid_oai(response.content)
    assert len(dc_values(root, "title")) + len(header_list(root)) > rows


def test_answers_do_not_depend_on_the_host_asked(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    make_report()
    arguments = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    here = client.get("/oai/", arguments).content.decode()
    there = client.get("/oai/", arguments, headers={"host": "other.example"})
    assert "other.example" not in there.content.decode()
    # Only the response date may differ.
    strip = re.compile(r"<responseDate>[^<]*</responseDate>")
    assert strip.sub("", there.content.decode()) == strip.sub("", here)


def test_creators_are_filed_family_name_first_as_the_author_gives_it(oai):
    authors = [
        make_author(name="Wu Xinbo", given_names="Xinbo", family_name="Wu"),
        make_author(
            name="Anna van der Berg", given_names="Anna", family_name="van der Berg"
        ),
        make_author(name="Suharto", family_name="Suharto"),
    ]
    report = make_report(slug="names", authors=authors)

    root = oai(
        verb="GetRecord", identifier=_identifier(report), metadataPrefix="oai_dc"
    )

    assert dc_values(root, "creator") == ["Wu, Xinbo", "van der Berg, Anna", "Suharto"]
