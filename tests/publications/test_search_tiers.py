"""A search is ranked in tiers: its title matches first, the rest only when
a page reaches past them (publications.search.search_ranking_tiers)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.models import Publication
from publications.paging import RANKED_IDS_KEPT, ranked_ids
from publications.search import search_publications, search_ranking_tiers
from tests.factories import make_author, make_related, make_report

pytestmark = pytest.mark.django_db

QUERIES = (
    "water",
    "water rivers",
    "water or ice",
    '"water wells"',
    "water -rivers",
    "-water",
    "dams",
    "nothing-matches-this",
)


def _catalogue():
    make_related(title="Water", tags=["Rivers"])
    make_related(title="Water wells", teaser="Ice and rivers.")
    make_related(title="Rivers and water in the long dry years")
    make_related(title="Rivers", teaser="Water and rivers.", tags=["Ice"])
    make_related(title="Dams", teaser="Water behind dams.")
    make_related(title="Ice", teaser="Frozen.", body="<p>Water wells.</p>")
    make_report(title="Deserts", summary_points=["Water is scarce."])
    make_related(title="Water draft", published=False)
    make_related(
        title="Grazing", teaser="Herds.", authors=[make_author(name="Ann Water")]
    )


def _ids(queryset):
    return list(queryset.values_list("pk", flat=True))


def test_the_tiers_together_give_the_searchs_order(subtests):
    _catalogue()
    live = Publication.objects.live()
    for text in QUERIES:
        with subtests.test(text):
            tiers = search_ranking_tiers(live, text)
            joined = [pk for tier in tiers for pk in _ids(tier())]
            assert joined == _ids(search_publications(live, text))


def test_a_title_matching_a_query_with_a_minus_term_is_checked_whole():
    # The title has "water"; the body has the "-" term: no match.
    make_related(title="Water", body="<p>Rivers.</p>")
    make_related(title="Water again")
    live = Publication.objects.live()
    tiers = search_ranking_tiers(live, "water -rivers")
    assert [
        title for tier in tiers for title in tier().values_list("title", flat=True)
    ] == ["Water again"]


def test_blank_text_has_no_tiers():
    assert search_ranking_tiers(Publication.objects.live(), "  ") is None
    assert search_ranking_tiers(Publication.objects.live(), "--") is None


def _by_title(*titles):
    return Publication.objects.filter(title__in=titles).order_by("title")


def test_a_later_tier_is_built_and_read_only_when_asked_past_the_earlier_ones():
    for title in ("A", "B", "C", "D", "E"):
        make_related(title=title)
    built = []

    def tier(*titles):
        def build():
            built.append(titles)
            return _by_title(*titles)

        return build

    tiers = [tier("A", "B", "C"), tier("D", "E")]
    a, b, c, d, e = _ids(_by_title("A", "B", "C", "D", "E"))
    assert ranked_ids(tiers, key="abc", top=2) == ([a, b, c], False)
    assert built == [("A", "B", "C")]
    assert ranked_ids(tiers, key="abc", top=4) == ([a, b, c, d, e], True)
    assert ranked_ids(tiers, key="abc", top=RANKED_IDS_KEPT) == (
        [a, b, c, d, e],
        True,
    )
    # Each tier was built once: the rankings are remembered.
    assert built == [("A", "B", "C"), ("D", "E")]


def test_a_tier_longer_than_what_is_kept_ends_the_ranking(monkeypatch):
    from publications import paging

    monkeypatch.setattr(paging, "RANKED_IDS_KEPT", 2)
    for title in ("A", "B", "C", "D"):
        make_related(title=title)
    a, b, *_ = _ids(_by_title("A", "B", "C", "D"))
    tiers = [lambda: _by_title("A", "B", "C"), lambda: _by_title("D")]
    assert ranked_ids(tiers, key="long", top=2) == ([a, b], False)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one tier: FTS5 ranks every match in one query, so no"
    " later tier can be left unread",
)
def test_a_first_page_of_title_matches_ranks_no_other_match(client):
    for number in range(21):
        make_related(title=f"Water {number}")
    make_related(title="Rivers", teaser="Water and rivers.")

    def ranking_queries(page):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/publications/", {"q": "water", "page": page})
        assert response.status_code == 200
        ranking = [
            q["sql"]
            for q in queries
            if "ts_rank(" in q["sql"] and f"LIMIT {RANKED_IDS_KEPT + 1}" in q["sql"]
        ]
        return re.sub(r"</?mark>", "", response.content.decode()), ranking

    first, ranking = ranking_queries(1)
    assert len(ranking) == 1
    assert "publications_searchterms" not in ranking[0]
    assert "Water 0" in first and "Rivers" not in first

    second, ranking = ranking_queries(2)
    # The title matches are remembered; the rest are ranked now.
    assert len(ranking) == 1 and "publications_searchterms" in ranking[0]
    assert "Rivers" in second and "22 results" in second
