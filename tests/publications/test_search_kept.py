"""A search's matches and ranking outlive live edits, brought up to date.

Ranking every match of a common word is most of a search's cost; after an
edit only the edited items (and the remembered ranking) are read again
(publications.caching.entries.remember_updating).
"""

import re

import numpy as np
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications import paging
from publications.caching import entries, forget_in_process, remember_updating
from publications.caching.surrogates import EVERYTHING, publication_key
from publications.caching.versions import public_content_changed
from publications.facets import count_matching, database_matches, forget_facet_index
from publications.models import Publication
from publications.paging import ranked_ids
from publications.search import search_publications
from tests.factories import make_related
from tests.publications.test_caching_pages import get, site_cache  # noqa: F401

pytestmark = pytest.mark.django_db


def _water_catalogue():
    """Items matching "water" in the title (short and long) or the teaser only."""
    items = [
        make_related(title="Water", tags=["Rivers"]),
        make_related(title="Water in the long dry years", tags=["Rivers"]),
        make_related(title="Rivers", teaser="Water and rivers.", tags=["Rivers"]),
        make_related(title="Dams", teaser="Water behind dams.", tags=["Rivers"]),
        make_related(title="Wells", teaser="Water, wells, water.", tags=["Rivers"]),
    ]
    make_related(title="Glaciers", teaser="Ice.", tags=["Ice"])
    return items


def _titles(content):
    found = re.findall(r'<h2 class="card-title"><a href="[^"]*">(.*?)</a>', content)
    return [re.sub(r"</?mark>", "", title) for title in found]


def _ranking_queries(queries):
    """The queries that rank search matches (ts_rank on PostgreSQL, bm25 on SQLite)."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if "ts_rank(" in query["sql"] or "bm25(" in query["sql"]
    ]


def _search():
    return search_publications(Publication.objects.live(), "water")


def _fresh_ids():
    return list(_search().values_list("pk", flat=True))


def test_a_search_after_live_edits_ranks_as_a_fresh_search_does(
    client,
    site_cache,  # noqa: F811
):
    wells = _water_catalogue()[-1]
    path = "/publications/?q=water"
    first = get(client, path).content.decode()
    assert "Wells" in first

    # An item matching in its title comes first; one stops matching; one
    # is deleted; a new one is published.
    wells.title = "Water wells"
    wells.save()
    rivers = Publication.objects.get(title="Rivers")
    rivers.teaser = "Rivers alone."
    rivers.save()
    Publication.objects.get(title="Dams").delete()
    make_related(title="Water again", tags=["Ice"])
    make_related(title="Ice", teaser="Frozen water.", tags=["Ice"])

    with CaptureQueriesContext(connection) as queries:
        kept = get(client, path).content.decode()
    # Read now: the next request empties the connection's log.
    ranking = _ranking_queries(queries)
    forget_in_process()
    forget_facet_index()
    cache.clear()
    fresh = get(client, path).content.decode()

    assert _titles(kept) == _titles(fresh)
    assert sorted(_titles(kept)) == [
        "Ice",
        "Water",
        "Water again",
        "Water in the long dry years",
        "Water wells",
    ]
    assert re.search(r"(\d+) results? for", kept)[1] == "5"
    assert re.search(r"(\d+) results? for", fresh)[1] == "5"
    # Brought up to date: only the remembered and changed items were ranked.
    assert ranking
    assert all(" IN (" in sql for sql in ranking), ranking


def test_a_kept_ranking_keeps_only_the_places_it_knows_exactly(monkeypatch):
    monkeypatch.setattr(paging, "RANKED_IDS_KEPT", 4)
    monkeypatch.setattr(paging, "RANKED_IDS_REBUILT_BELOW", 2)
    for number in range(9):
        make_related(title=f"Water {'x' * number}", tags=["Rivers"])
    ids, complete = ranked_ids([_search], key="water")
    assert (ids, complete) == (_fresh_ids()[:4], False)

    # The best item falls below every other: which item is fourth now is
    # not known without ranking them all, so the kept ranking is shorter.
    best = Publication.objects.get(pk=ids[0])
    best.title = "Dry"
    best.teaser = "Water."
    best.save()
    ids, complete = ranked_ids([_search], key="water")
    assert ids == _fresh_ids()[: len(ids)]
    assert len(ids) == 3 and not complete

    # Below RANKED_IDS_REBUILT_BELOW places it is ranked afresh.
    for pk in ids[:2]:
        fallen = Publication.objects.get(pk=pk)
        fallen.title = "Dry"
        fallen.save()
    ids, complete = ranked_ids([_search], key="water")
    assert ids == _fresh_ids()[:4]


def test_a_complete_ranking_takes_in_new_matches_anywhere(monkeypatch):
    monkeypatch.setattr(paging, "RANKED_IDS_KEPT", 4)
    make_related(title="Water long title", tags=["Rivers"])
    make_related(title="Rivers", teaser="Water.", tags=["Rivers"])
    assert ranked_ids([_search], key="water") == (_fresh_ids(), True)

    make_related(title="Water", tags=["Rivers"])
    assert ranked_ids([_search], key="water") == (_fresh_ids(), True)
    make_related(title="Water b", tags=["Rivers"])
    make_related(title="Water c", tags=["Rivers"])
    # Five matches: no longer every one of them.
    assert ranked_ids([_search], key="water") == (_fresh_ids()[:4], False)


def test_a_searchs_matches_follow_publishing_withdrawing_and_edits():
    items = _water_catalogue()
    filters = {"query": "water"}
    assert database_matches(filters).tolist() == sorted(_fresh_ids())

    items[0].status = Publication.Status.DRAFT
    items[0].save()
    items[2].teaser = "Rivers alone."
    items[2].save()
    added = make_related(title="Water again", tags=["Ice"])

    matches = database_matches(filters)
    # PostgreSQL reads matches of any state apart from the publications;
    # the count keeps the live ones.
    assert set(_fresh_ids()) <= set(matches.tolist())
    assert count_matching(filters) == len(_fresh_ids()) == 4
    assert added.pk in matches and items[2].pk not in matches
    if connection.vendor == "sqlite":
        assert items[0].pk not in matches
    assert matches.dtype == np.int64


def test_remembered_parts_are_brought_up_to_date_with_the_changed_items(
    monkeypatch,
):
    calls = []

    def build():
        calls.append("build")
        return ["built"]

    def update(value, changed):
        calls.append(sorted(changed))
        return [*value, "updated"]

    def read():
        return remember_updating("part", build, update)

    assert read() == ["built"]
    assert read() == ["built"]
    public_content_changed({publication_key(5), publication_key(7), "listing"})
    assert read() == ["built", "updated"]
    # Changes since: only those after the version it was brought up to.
    public_content_changed({publication_key(8)})
    assert read() == ["built", "updated", "updated"]
    # A change that names no item keeps the value as it is.
    public_content_changed({"listing"})
    assert read() == ["built", "updated", "updated"]
    assert calls == ["build", [5, 7], [8]]

    # A change to everything, or too many changes, builds it afresh.
    public_content_changed({EVERYTHING})
    assert read() == ["built"]
    monkeypatch.setattr(entries, "MOST_CHANGED_KEYS", 2)
    public_content_changed({publication_key(pk) for pk in (1, 2, 3)})
    assert read() == ["built"]
    assert calls == ["build", [5, 7], [8], "build", "build"]


def test_an_update_that_cannot_say_builds_afresh():
    remember_updating("part", lambda: "first", lambda value, changed: None)
    public_content_changed({publication_key(1)})

    assert remember_updating("part", lambda: "afresh", lambda v, c: None) == "afresh"
