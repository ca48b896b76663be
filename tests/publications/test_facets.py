"""Facet counts: each option counts what choosing it lists, the others kept."""

import random
import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author
from opendata.models import WithdrawnRecord
from publications import forms
from publications.caching import remember_each
from publications.facets import (
    FACETS,
    all_facet_counts,
    count_matching,
    newest_ids_matching,
)
from publications.filters import FILTERS
from publications.models import Publication, Series
from publications.selectors import filter_publications
from publications.widgets import options_markup
from tests.factories import ago, make_author, make_related, make_report, make_series

pytestmark = pytest.mark.django_db

LIST_URL = "/publications/"
TYPES = ("special-report", "peace-brief", "analysis", "commentary")
TOPICS = ("Water", "Mediation", "Sahel", "Elections", "Youth")
YEARS = (2023, 2024, 2025)
# The listing's field names and the filter_publications argument of each.
ARGUMENTS = {
    "type": "type_slug",
    "topic": "topic_slug",
    "series": "series_slug",
    "author": "author_slug",
    "year": "year",
    "q": "query",
}


def build_catalogue():
    """Create three dozen varied live items and a few that are not public."""
    rng = random.Random(17)
    authors = [make_author(name=name, slug=name.lower()) for name in TEAM]
    series = [make_series(slug="energy"), make_series(slug="rivers")]
    for n in range(36):
        type_slug = TYPES[n % len(TYPES)]
        fields = {
            # "Water" only in some titles: search finds it the same way on
            # every database.
            "title": f"{'Water and ' if n % 5 == 0 else ''}Item {n}",
            "slug": f"item-{n}",
            "type_slug": type_slug,
            "tags": rng.sample(TOPICS, rng.randint(0, 3)),
            "authors": rng.sample(authors, rng.randint(0, 2)),
            "publish_at": _in_year(YEARS[n % 3], n),
        }
        if type_slug in ("special-report", "peace-brief"):
            make_report(series=rng.choice([None, *series]), **fields)
        else:
            make_related(**fields)
    # Never counted: a draft, a scheduled item and a withdrawn one.
    hidden = {"tags": ["Water", "Hidden"], "authors": authors[:1], "series": None}
    make_report(title="Water draft", published=False, **hidden)
    make_report(title="Water later", publish_at=ago(-3), **hidden)
    make_report(title="Water gone", publish_at=ago(30), unpublish_at=ago(2), **hidden)


TEAM = ("Ann", "Bo", "Cy", "Di")


def _in_year(year, n):
    return timezone.make_aware(datetime(year, 1 + n % 12, 1 + n % 27, 12))


def _words(item):
    text = " ".join([item.title, item.teaser, *item.tags.names()])
    return re.findall(r"\w+", text.lower())


def live_records():
    """Return each live item's facet values, read plainly from the models."""
    records = []
    for item in Publication.objects.live():
        series = getattr(getattr(item, "report", None), "series", None)
        records.append(
            {
                "type": {item.publication_type.slug},
                "topic": {tag.slug for tag in item.tags.all()},
                "series": {series.slug} if series else set(),
                "author": {author.slug for author in item.authors.all()},
                "year": {str(timezone.localtime(item.publish_at).year)},
                # What search reads of this fixture: title, teaser, topics.
                "q": {"water"} if "water" in _words(item) else set(),
            }
        )
    return records


def brute_force_counts(records, facet, chosen):
    """Return {option: count} of *facet*, every other filter in *chosen* kept."""
    counts = {}
    for record in records:
        others = all(
            str(value).lower() in record[name]
            for name, value in chosen.items()
            if name != facet
        )
        if others:
            for option in record[facet]:
                counts[option] = counts.get(option, 0) + 1
    return counts


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """Return live_records() of build_catalogue(), made once for the module."""
    with django_db_blocker.unblock():
        build_catalogue()
        yield live_records()
        Publication.objects.all().delete()
        Author.objects.all().delete()
        Series.objects.all().delete()
        Tag.objects.all().delete()
        # Deleting live items records them as withdrawn, for harvesters; left
        # behind, they would name the next tests' items (ids start again).
        WithdrawnRecord.objects.all().delete()


def selector_filters(chosen):
    return {ARGUMENTS[name]: value for name, value in chosen.items()}


COMBINATIONS = [
    {},
    {"type": "special-report"},
    {"topic": "mediation"},
    {"type": "special-report", "topic": "mediation"},
    {"topic": "water", "author": "ann", "year": 2024},
    {"series": "energy", "type": "peace-brief"},
    {"q": "water"},
    {"q": "water", "topic": "sahel"},
    {"author": "bo", "type": "analysis", "topic": "youth", "year": 2023},
    {"topic": "no-such-topic", "type": "analysis"},
]


def test_facet_counts_equal_a_brute_force_count(catalogue):
    records = catalogue
    assert len(records) == 36

    mismatches = []
    for chosen in COMBINATIONS:
        filters = selector_filters(chosen)
        counted = all_facet_counts(list(FACETS), filters)
        for facet in FACETS:
            expected = brute_force_counts(records, facet, chosen)
            if counted[facet] != expected:
                mismatches.append((chosen, facet, counted[facet], expected))
        matching = filter_publications(Publication.objects.live(), **filters)
        if count_matching(filters) != matching.count():
            mismatches.append((chosen, "total", count_matching(filters)))

    assert mismatches == []


def test_an_options_count_is_the_number_of_results_choosing_it_gives(client, catalogue):
    chosen = {"type": "special-report", "year": 2024}
    query = "&".join(f"{name}={value}" for name, value in chosen.items())
    content = client.get(f"{LIST_URL}?{query}").content.decode()

    offered = re.findall(
        r'<select name="topic".*?</select>|<select name="author".*?</select>',
        content,
        re.S,
    )
    options = [
        (select[len('<select name="') :].split('"')[0], value, int(count))
        for select in offered
        for value, count in re.findall(
            r'<option value="([^"]+)">[^<]* \((\d+)\)</option>', select
        )
    ]

    assert len(options) >= 4
    for name, value, count in options:
        listed = client.get(f"{LIST_URL}?{query}&{name}={value}")
        assert listed.context["paginator"].count == count, (name, value)


def test_options_listing_nothing_are_left_out_but_the_chosen_one_stays(
    client, catalogue
):
    make_report(title="Lonely", tags=["Lonely"], type_slug="peace-brief")

    counts = all_facet_counts(["topic"], {"type_slug": "analysis"})["topic"]
    content = client.get(f"{LIST_URL}?topic=lonely&type=analysis").content.decode()
    unfiltered = client.get(f"{LIST_URL}?type=analysis").content.decode()

    assert "lonely" not in counts
    assert counts == brute_force_counts(live_records(), "topic", {"type": "analysis"})
    assert '<option value="lonely">' not in unfiltered
    assert '<option value="lonely" selected>Lonely (0)</option>' in content
    assert '<option value="analysis" selected>Analysis (0)</option>' in content
    assert '<option value="peace-brief">Peace Brief (1)</option>' in content


def test_facets_index_is_built_once_then_updated_from_the_change_queue(
    catalogue, django_assert_num_queries
):
    filters = {"type_slug": "analysis", "topic_slug": "water", "year": 2024}

    # The queued changes, the live items, their publish moments, their
    # topics and authors, and the slugs of types, series, topics and authors.
    with django_assert_num_queries(9):
        all_facet_counts(list(FACETS), filters)
    # The changes queued since, and items whose scheduled moment came.
    with django_assert_num_queries(2):
        all_facet_counts(list(FACETS), {"author_slug": "bo", "series_slug": "energy"})
    make_report(title="New", tags=["Water"], type_slug="analysis")
    # Those two, then the changed item's row, publish moment, topics and
    # authors, and the slug of its author, new to the index: no rebuild.
    with django_assert_num_queries(7):
        counts = all_facet_counts(["topic"], {"type_slug": "analysis"})

    assert counts["topic"] == brute_force_counts(
        live_records(), "topic", {"type": "analysis"}
    )


def test_a_search_asks_the_database_once_for_its_matches_unranked(catalogue):
    all_facet_counts(list(FACETS), {})

    with CaptureQueriesContext(connection) as queries:
        all_facet_counts(list(FACETS), {"query": "water", "type_slug": "analysis"})
        count_matching({"query": "water", "type_slug": "analysis"})

    # Each call also syncs the index: the change queue, and items whose
    # scheduled moment came (or left: "unpublish_at" < now); the remembered
    # matches are checked against the content version.
    searches = [
        query["sql"].lower()
        for query in queries.captured_queries
        if "publications_publicationchange" not in query["sql"]
        and '"unpublish_at" < ' not in query["sql"]
        and "publications_contentversion" not in query["sql"]
        # Its planner setting, and the setting put back (search_planning).
        and "set_config('enable_seqscan'" not in query["sql"]
    ]
    assert len(searches) == 1
    assert "ts_headline" not in searches[0] and "ts_rank" not in searches[0]
    assert "order by" not in searches[0]


def test_facets_of_the_topic_page_apply_its_topic(client, catalogue):
    records = catalogue
    content = client.get("/topics/mediation/?type=special-report").content.decode()

    for facet in ("type", "author", "year"):
        expected = brute_force_counts(
            records, facet, {"topic": "mediation", "type": "special-report"}
        )
        select = re.search(rf'<select name="{facet}".*?</select>', content, re.S)
        shown = dict(
            re.findall(
                r'<option value="([^"]+)"[^>]*>[^<]* \((\d+)\)</option>', select[0]
            )
        )
        assert {value: int(count) for value, count in shown.items()} == expected


def test_listing_filtered_by_a_combination_matches_filter_publications(
    client, catalogue
):

    response = client.get(f"{LIST_URL}?type=special-report&topic=mediation")

    expected = filter_publications(
        Publication.objects.live(), type_slug="special-report", topic_slug="mediation"
    ).count()
    assert response.context["paginator"].count == expected


def test_entries_made_from_readers_filters_are_bounded_per_content_version(
    shared_cache, settings
):
    settings.FOLIO_REMEMBERED_VARIANTS = 2
    built = []

    def build(names):
        built.extend(names)
        return {name: name.upper() for name in names}

    for name in ("a", "b", "c"):
        remember_each([name], build, family="facet-options")
    values = remember_each(["a", "b", "c"], build, family="facet-options")
    make_report()
    remember_each(["c"], build, family="facet-options")
    remember_each(["c"], build, family="facet-options")

    assert values == {"a": "A", "b": "B", "c": "C"}
    assert built == ["a", "b", "c", "c", "c"]


CHOICES = {
    "types": [
        {"slug": "analysis", "name": "Analysis", "kind": "related", "count": 3},
        {"slug": "brief", "name": "Brief <&>", "kind": "report", "count": 2},
        {"slug": "news", "name": "News", "kind": "related", "count": 1},
    ],
    "topics": [
        {"slug": "water", "name": 'Water "& rivers"', "count": 2},
        {"slug": "oil", "name": "Oil", "count": 1},
    ],
    "series": [],
    "authors": [{"slug": "ann", "name": "Ann", "count": 1}],
    "years": [{"year": 2025, "count": 4}, {"year": 2024, "count": 1}],
}


def written_options(name, counts):
    """Return field *name*'s options for CHOICES, written plainly.

    Every option with a count in *counts* ({value: count}), as "name
    (count)", types grouped by kind: what Django's Select writes for those
    choices (widgets.options_markup).
    """
    key, value_key = forms._CHOICE_ROWS[name]
    label_key = "year" if name == "year" else "name"
    options = [
        (row[value_key], f"{row[label_key]} ({counts[str(row[value_key])]})", row)
        for row in CHOICES[key]
        if counts.get(str(row[value_key]))
    ]
    choices = [("", str(FILTERS[name].all_label))]
    if name != "type":
        choices += [(value, label) for value, label, _row in options]
    else:
        for kind, group in forms._TYPE_GROUPS:
            grouped = [(v, label) for v, label, row in options if row["kind"] == kind]
            if grouped:
                choices.append((str(group), grouped))
    return options_markup(choices)


def live_counts(name):
    key, value_key = forms._CHOICE_ROWS[name]
    return {str(row[value_key]): row["count"] for row in CHOICES[key]}


@pytest.mark.parametrize(
    "counts",
    [
        {"type": {"analysis": 2, "brief": 1}, "topic": {"water": 12}, "year": {}},
        {"type": {"news": 1}, "topic": {}, "year": {"2024": 1}, "author": {"ann": 3}},
    ],
)
def test_narrowed_options_are_written_as_django_would(counts):
    whole = forms._whole_listing_options_from(CHOICES)

    for name, field_counts in counts.items():
        counted = forms._counted_markup(name, whole["counted"][name], field_counts)
        assert counted == written_options(name, field_counts), name


def test_whole_listing_options_are_written_as_django_would():
    options = forms.filter_options(CHOICES)

    for name in forms._CHOICE_ROWS:
        markup, names = options[name]
        assert markup == written_options(name, live_counts(name)), name
    assert "Brief &lt;&amp;&gt; (2)" in options["type"][0]
    assert options["topic"][1] == {"water": 'Water "& rivers"', "oil": "Oil"}


def test_listing_choices_from_the_index_match_the_database_counts(catalogue):
    from publications.facets import indexed_listing_choices
    from publications.selectors import listing_choices

    assert indexed_listing_choices() == listing_choices()


def _database_page(filters, bottom, top):
    matching = filter_publications(Publication.objects.live(), **filters)
    return list(matching.newest_first().values_list("pk", flat=True)[bottom:top])


def test_index_pages_equal_the_databases_newest_first_pages(client, catalogue):
    windows = [(0, 5), (3, 9), (0, 40), (30, 40), (100, 120)]
    for chosen in COMBINATIONS:
        filters = selector_filters(chosen)
        for bottom, top in windows:
            assert newest_ids_matching(filters, bottom, top) == _database_page(
                filters, bottom, top
            ), (chosen, bottom, top)
    # The listing reads its pages so (20 a page): page 1 of a type.
    response = client.get(f"{LIST_URL}?type=analysis")
    shown = [row.pk for row in response.context["page_obj"].object_list]
    assert shown == _database_page({"type_slug": "analysis"}, 0, 20)


def _all_counts_match_brute_force(chosen):
    filters = selector_filters(chosen)
    for bottom, top in [(0, 40), (2, 6)]:
        assert newest_ids_matching(filters, bottom, top) == _database_page(
            filters, bottom, top
        )
    counts = all_facet_counts(list(FACETS), filters)
    records = live_records()
    for facet in FACETS:
        assert counts[facet] == brute_force_counts(records, facet, chosen), facet
    assert count_matching(filters) == sum(
        all(str(value).lower() in record[name] for name, value in chosen.items())
        for record in records
    )


def test_index_kept_current_through_publish_withdraw_and_draft_changes(catalogue):
    from publications.facets import facet_index

    built = facet_index()
    item = Publication.objects.get(slug="item-3")
    later = Publication.objects.get(title="Water later")

    item.unpublish_at = ago(1)  # withdrawn
    item.save()
    _all_counts_match_brute_force({"topic": "water"})
    later.publish_at = ago(1)  # the scheduled item goes live now
    later.save()
    item.tags.add("Brand new topic")
    _all_counts_match_brute_force({"type": "special-report"})
    draft = Publication.objects.get(title="Water draft")
    draft.title = "Water draft, edited"
    draft.save()
    _all_counts_match_brute_force({})

    assert facet_index() is built  # updated in place, never rebuilt
