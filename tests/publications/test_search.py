"""Full-text search: the same behaviour on SQLite and PostgreSQL.

Run this module with DATABASE_URL set to a PostgreSQL database too.
"""

import pytest
from django.core.files.base import ContentFile

from publications.models import Publication, SummaryPoint
from publications.search import MAX_QUERY_TERMS, normalise_query, search_publications
from tests.factories import ago, make_author, make_related, make_report, pdf_bytes

pytestmark = pytest.mark.django_db


def titles(text):
    return [p.title for p in search_publications(Publication.objects.live(), text)]


def test_search_matches_title_teaser_and_author_names_on_every_database():
    author = make_author(name="Ingrid Halvorsen")
    make_report(title="Ceasefire monitoring", teaser="Drones over lines.")
    make_related(title="Border talks", teaser="Ceasefire lessons from 1953.")
    make_report(title="Elections", authors=[author])
    make_report(title="Unrelated", teaser="Nothing here.")

    assert set(titles("ceasefire")) == {"Ceasefire monitoring", "Border talks"}
    assert titles("halvorsen") == ["Elections"]
    assert titles("zzzz-nothing") == []


def test_search_never_returns_drafts():
    make_report(title="Ceasefire draft", published=False)
    assert titles("ceasefire") == []


def test_title_match_ranks_above_teaser_and_summary_matches():
    in_summary = make_report(title="Alpha", summary_points=["Mediation works."])
    make_report(title="Beta", teaser="On mediation in practice.")
    make_report(title="Mediation handbook")
    assert in_summary.pk
    assert titles("mediation") == ["Mediation handbook", "Beta", "Alpha"]


def test_search_uses_english_stemming():
    make_report(title="Negotiating with armed groups")
    make_report(title="Local talk")
    assert titles("negotiations") == ["Negotiating with armed groups"]
    assert titles("talks") == ["Local talk"]


def test_words_need_not_be_side_by_side_but_a_phrase_must_be():
    make_report(title="Local ceasefires and national talks")
    make_report(title="Local only")
    assert titles("local talks") == ["Local ceasefires and national talks"]
    assert titles('"local talks"') == []
    assert titles('"national talks"') == ["Local ceasefires and national talks"]


def test_stop_words_are_left_out_of_a_query():
    make_report(title="Negotiating armed groups")
    assert titles("negotiations with the armed groups") == ["Negotiating armed groups"]
    assert titles("the") == []


def test_topic_names_are_searched_and_rank_below_titles():
    make_report(title="Fisheries", tags=["Archipelagos"])
    make_report(title="Archipelagos at sea")
    make_report(title="Other", tags=["Rivers"])
    assert titles("archipelago") == ["Archipelagos at sea", "Fisheries"]


def test_search_finds_words_in_about_body_and_pdf_text():
    make_report(title="One", about="<p>The <em>archipelago</em> dispute.</p>")
    make_related(title="Two", body="<p>A note on glaciers.</p>")
    report = make_report(title="Three")
    report.pdf.save("r.pdf", ContentFile(pdf_bytes(text="Quinoa exports")), save=True)
    assert titles("archipelago") == ["One"]
    assert titles("glaciers") == ["Two"]
    assert titles("quinoa") == ["Three"]


def test_search_vector_follows_summary_points_and_author_renames():
    author = make_author(name="Old Name")
    report = make_report(title="Report", authors=[author])
    SummaryPoint.objects.create(report=report, text="Desalination plants", position=9)
    assert titles("desalination") == ["Report"]
    author.name = "Wilhelmina Castellanos"
    author.save()
    assert titles("castellanos") == ["Report"]
    assert titles("old") == []


def test_search_highlights_matched_words_in_title_and_teaser():
    make_report(title="Treaty water", teaser="Rivers and the treaties that share them.")
    (result,) = search_publications(Publication.objects.live(), "treaty")
    assert result.teaser_highlighted == (
        "Rivers and the \x02treaties\x03 that share them."
    )
    assert result.title_highlighted == "\x02Treaty\x03 water"


def test_pdf_without_text_is_stored_and_unsearchable():
    report = make_report(title="Scanned")
    report.pdf.save("scan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    report.refresh_from_db()
    assert report.pdf and report.pdf_text == ""


def test_listing_orders_search_results_by_rank_and_marks_matches_safely(client):
    make_report(title="Alpha", teaser="<b>Mediation</b> & more", summary_points=["x"])
    make_report(title="Mediation handbook", teaser="A guide.")
    content = client.get("/publications/", {"q": "mediation"}).content.decode()
    assert content.index("<mark>Mediation</mark> handbook") < content.index("Alpha")
    assert "&lt;b&gt;<mark>Mediation</mark>&lt;/b&gt; &amp; more" in content


def test_a_title_with_markup_is_escaped_around_its_marks(client):
    make_report(title="<script>alert(1)</script> Mediation & you")
    content = client.get("/publications/", {"q": "mediation"}).content.decode()
    assert "<script>alert" not in content
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Mediation</mark> &amp; you"
    ) in content


def test_listing_search_works_on_every_database(client):
    make_report(title="Ceasefire monitoring")
    make_report(title="Elections")
    content = client.get("/publications/", {"q": "ceasefire"}).content.decode()
    assert "<mark>Ceasefire</mark> monitoring" in content
    assert "Elections" not in content


@pytest.mark.parametrize(
    "query",
    [
        "ceasefire",
        "negotiations with armed groups",
        "peace-building",
        "covid-19 vaccines",
        '"peace talks" -syria',
        'water -"river basin"',
        "iran or iraq",
        "U.S. policy",
        "don't",
        "C++",
        "Zürich İstanbul мир 和平",
    ],
)
def test_normal_queries_reach_the_database_unchanged(query):
    assert normalise_query(query) == query


@pytest.mark.parametrize(
    ("query", "normalised"),
    [
        ("-" * 50, ""),
        ("- " * 50, ""),
        ("-!" * 50, ""),
        ('"' + "-" * 60 + '"', ""),
        ("-" * 50 + "peace", "-peace"),
        ("peace" + "-" * 50, "peace"),
        ("x!-!-!-y", "x! y"),
        ("  peace   war  ", "peace war"),
        ('"unterminated phrase', '"unterminated phrase"'),
        ('-""', ""),
        ("peace\x00war", "peace war"),
        ("\ud800peace", "peace"),
    ],
)
def test_odd_queries_are_normalised(query, normalised):
    assert normalise_query(query) == normalised


def test_a_query_keeps_at_most_the_term_limit():
    assert len(normalise_query("x " * 500).split()) == MAX_QUERY_TERMS


def test_hyphens_punctuation_and_odd_characters_never_fail_and_match_nothing():
    make_report(title="Ceasefire monitoring")
    assert titles("-" * 50) == []
    assert titles("!&|<->:*()") == []
    assert titles("\ud800\x00 ceasefire") == ["Ceasefire monitoring"]


def test_a_negated_word_after_a_run_of_hyphens_still_excludes_it():
    make_report(title="Ceasefire monitoring")
    make_report(title="Ceasefire elections")
    assert titles("ceasefire " + "-" * 50 + "elections") == ["Ceasefire monitoring"]


def test_or_divides_a_query_into_alternatives_as_on_postgresql():
    make_report(title="Iran water")
    make_report(title="Iraq water")
    make_report(title="Iraq oil")
    # (iran and water) or oil: "or" binds loosest, as in websearch_to_tsquery.
    assert set(titles("iran water or oil")) == {"Iran water", "Iraq oil"}
    assert set(titles("iran or iraq")) == {"Iran water", "Iraq water", "Iraq oil"}
    assert titles("iraq -oil") == ["Iraq water"]


def test_a_query_of_exclusions_alone_lists_the_rest_newest_first():
    make_report(title="Ceasefire monitoring", publish_at=ago(3))
    make_report(title="Elections", publish_at=ago(2))
    make_related(title="Water", publish_at=ago(1))
    assert titles("-ceasefire") == ["Water", "Elections"]


def test_a_text_holding_a_marker_character_is_shown_unmarked(client):
    make_report(title="Treaty \x02 odd", teaser="A treaty.")
    content = client.get("/publications/", {"q": "treaty"}).content.decode()
    assert "Treaty \x02 odd" in content
    assert "A <mark>treaty</mark>." in content
