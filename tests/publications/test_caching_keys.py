"""A live change makes fresh the pages that show the item, and no others.

Each cached page is stored with the surrogate keys of what it shows
(publications.caching.surrogates); a change marks the keys it alters.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publications.caching import content_version
from publications.caching.surrogates import EVERYTHING
from publications.caching.versions import is_current, public_content_changed
from publications.cards import store_missing_cards
from publications.derived.drain import drain
from publications.models import KeyChange, Publication
from tests.factories import make_author, make_related, make_report, make_series
from tests.publications.test_caching_pages import get, site_cache  # noqa: F401

pytestmark = pytest.mark.django_db


def _warm(client, paths):
    for path in paths:
        get(client, path)
        assert get(client, path)["X-Cache"] == "hit", path


def _assert_rebuilt_showing(client, paths, text):
    for path in paths:
        response = get(client, path)
        assert response["X-Cache"] == "miss", path
        assert text in response.content.decode(), path


def _assert_still_cached(client, paths):
    for path in paths:
        assert get(client, path)["X-Cache"] == "hit", path


def test_a_live_edit_rebuilds_the_pages_showing_the_item_and_keeps_the_rest(
    client,
    site_cache,  # noqa: F811
):
    ann, bob = make_author(name="Ann"), make_author(name="Bob")
    edited = make_report(title="Water before", authors=[ann], tags=["Water"])
    untouched = make_related(title="Glaciers", authors=[bob], tags=["Glaciers"])
    showing = [
        edited.get_absolute_url(),
        "/",
        "/publications/",
        "/topics/water/",
        "/publications/?topic=water",
        "/publications/?type=special-report",
        "/publications/?q=glaciers",
        ann.get_absolute_url(),
        "/feeds/publications/",
    ]
    not_showing = [
        untouched.get_absolute_url(),
        "/topics/glaciers/",
        "/publications/?topic=glaciers",
        "/publications/?type=analysis",
        "/publications/?topic=glaciers&type=analysis",
        bob.get_absolute_url(),
    ]
    _warm(client, showing + not_showing)

    edited.title = "Water after"
    edited.save()

    for path in showing:
        response = get(client, path)
        assert response["X-Cache"] == "miss", path
        assert "Water before" not in response.content.decode(), path
    for path in not_showing:
        assert get(client, path)["X-Cache"] == "hit", path


def test_an_item_moved_to_another_topic_leaves_the_old_topic_pages(
    client,
    site_cache,  # noqa: F811
):
    moved = make_related(title="Moving item", tags=["Water"])
    make_related(title="Staying item", tags=["Water"])
    _warm(client, ["/topics/water/", "/publications/?topic=water"])
    moved.tags.set(["Glaciers"])
    for path in ("/topics/water/", "/publications/?topic=water"):
        response = get(client, path)
        assert "Moving item" not in response.content.decode(), path
    assert "Moving item" in get(client, "/topics/glaciers/").content.decode()


def test_a_page_showing_an_item_as_related_follows_its_edit(
    client,
    site_cache,  # noqa: F811
):
    page = make_report(title="The page", tags=["Water"])
    related = make_related(title="Related before", tags=["Water"])
    _warm(client, [page.get_absolute_url()])
    assert "Related before" in get(client, page.get_absolute_url()).content.decode()

    related.title = "Related after"
    related.save()

    response = get(client, page.get_absolute_url())
    assert response["X-Cache"] == "miss"
    assert "Related after" in response.content.decode()


def test_a_related_list_rewritten_by_the_drain_makes_its_page_fresh(
    client,
    site_cache,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    page = make_report(title="The page", tags=["Water"])
    newcomer = make_related(title="Newcomer", tags=["Glaciers"])
    drain()
    _warm(client, [page.get_absolute_url()])
    assert "Newcomer" not in get(client, page.get_absolute_url()).content.decode()

    # The newcomer's own change alters its pages and the Water lists, not
    # the page: only the drain, which ranks it into the page's related
    # list, makes the page fresh.
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.tags.add("Water")
    drain()

    response = get(client, page.get_absolute_url())
    assert response["X-Cache"] == "miss"
    assert "Newcomer" in response.content.decode()


def test_a_change_to_everything_rebuilds_every_page(
    client,
    site_cache,  # noqa: F811
):
    report = make_report(title="A report", tags=["Water"])
    paths = [report.get_absolute_url(), "/topics/water/", "/publications/?q=report"]
    _warm(client, paths)
    public_content_changed()
    for path in paths:
        assert get(client, path)["X-Cache"] == "miss", path


def test_a_key_counts_as_changed_only_once_its_transaction_commits():
    from django.db import transaction

    from publications.caching.versions import content_version

    built_at = content_version()
    try:
        with transaction.atomic():
            public_content_changed({"publication-1"})
            assert not is_current({"publication-1"}, built_at)
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert is_current({"publication-1"}, built_at)
    assert is_current({"publication-2"}, built_at)
    public_content_changed({"publication-1"})
    assert not is_current({"publication-1"}, built_at)
    assert is_current({"publication-2"}, built_at)


def test_checking_a_page_is_one_query_whatever_its_number_of_keys():
    for count in (1, 300):
        keys = {f"publication-{number}" for number in range(count)}
        with CaptureQueriesContext(connection) as queries:
            is_current(keys, 0)
        assert len(queries) == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_the_state_is_read_through_a_statement_prepared_once_per_connection():
    from django.db import transaction

    from publications.caching.versions import content_version

    content_version()  # the row exists (a flushed database makes it)
    connection.close()
    # Prepared inside a transaction that then rolls back: it stays prepared.
    with pytest.raises(RuntimeError), transaction.atomic():
        content_version()
        raise RuntimeError("roll back")
    first = connection.connection
    with CaptureQueriesContext(connection) as queries:
        version = content_version()
        assert is_current({"publication-1"}, version)
    assert len(queries) == 2
    assert all(query["sql"].startswith("EXECUTE ") for query in queries)
    # A new connection (a restarted database, CONN_MAX_AGE) prepares again.
    connection.close()
    assert content_version() == version
    assert connection.folio_prepared_for is connection.connection is not first


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_the_check_runs_on_the_drivers_cursor_unless_queries_are_watched(
    monkeypatch,
):
    built_at = content_version()
    public_content_changed({"publication-1"})

    def django_cursor():
        raise AssertionError("the check went through Django's cursor")

    # Nothing watches queries: the check never touches Django's cursor.
    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", django_cursor)
        assert not is_current({"publication-1"}, built_at)
        assert is_current({"publication-2"}, built_at)
    # Watched, it is one of the request's queries, and answers the same.
    seen = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        assert not is_current({"publication-1"}, built_at)
    with CaptureQueriesContext(connection) as queries:
        assert is_current({"publication-2"}, built_at)
    assert len(seen) == len(queries) == 1
    assert seen[0].startswith("EXECUTE ") and "'publication-1'" in seen[0]
    assert queries[0]["sql"].startswith("EXECUTE ")
    assert "'publication-2'" in queries[0]["sql"]


@pytest.mark.parametrize(
    "key",
    [
        'list-q-"quoted"',
        "list-q-it's",
        "list-q-back\\slash\\",
        "list-q-{comma,braces}",
        "list-q-NULL",
        "list-q-naïve €",
        "list-q-%s %(name)s",
    ],
)
def test_the_check_reads_keys_of_any_text(key):
    built_at = content_version()
    public_content_changed({key})
    changed_at = content_version()
    assert not is_current({key}, built_at)
    assert not is_current({key, "publication-1"}, built_at)
    assert is_current({key}, changed_at)
    assert is_current({"list-q-other"}, built_at)


def test_an_edit_leaves_the_pages_two_relations_away_cached(
    client,
    site_cache,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # The page shows the edited item as related; the other page shows the
    # page as related, but not the edited item.
    page = make_report(title="The page", tags=["Water", "Sun"])
    edited = make_related(title="Edited before", tags=["Water"])
    other = make_related(title="Other", tags=["Sun"])
    drain()
    _warm(client, [page.get_absolute_url(), other.get_absolute_url()])
    assert "Edited before" not in get(client, other.get_absolute_url()).content.decode()

    # A title changes no ranking: the drain rewrites no list's items.
    with django_capture_on_commit_callbacks(execute=True):
        edited.title = "Edited after"
        edited.save()
    drain()

    assert "Edited after" in get(client, page.get_absolute_url()).content.decode()
    assert get(client, other.get_absolute_url())["X-Cache"] == "hit"


def _topic_with_two_pages(author):
    """Water, with 25 items a day apart: 20 on page 1, the 5 oldest on page 2."""
    start = timezone.now() - timedelta(days=30)
    return [
        make_related(
            title=f"Water item {number}",
            tags=["Water"],
            authors=[author],
            publish_at=start + timedelta(days=number),
        )
        for number in range(25)
    ]


def test_an_edit_in_place_rebuilds_only_the_list_pages_showing_the_item(
    client,
    site_cache,  # noqa: F811
):
    ann = make_author(name="Ann")
    items = _topic_with_two_pages(ann)
    newest = items[-1]
    unrelated = make_related(title="Ice", tags=["Ice"])
    showing = [
        newest.get_absolute_url(),
        "/topics/water/",
        "/publications/?topic=water",
        ann.get_absolute_url(),
        "/publications/?type=analysis",
        "/feeds/topics/water/",
        "/publications/?q=renamed",
    ]
    elsewhere = [
        "/topics/water/?page=2",
        "/publications/?topic=water&page=2",
        f"{ann.get_absolute_url()}?page=2",
        "/publications/?type=analysis&page=2",
        unrelated.get_absolute_url(),
    ]
    _warm(client, showing + elsewhere)

    newest.title = "Water item renamed"
    newest.teaser = "A new teaser."
    newest.save()

    for path in showing:
        response = get(client, path)
        assert response["X-Cache"] == "miss", path
        # (A search marks the matched word: "Water <mark>item</mark> renamed".)
        assert "renamed" in response.content.decode(), path
    for path in elsewhere:
        assert get(client, path)["X-Cache"] == "hit", path


@pytest.mark.parametrize(
    "change",
    ["publish moment", "withdrawn", "topic", "author"],
)
def test_an_edit_that_moves_the_item_rebuilds_every_page_of_its_lists(
    client,
    site_cache,  # noqa: F811
    change,
):
    ann = make_author(name="Ann")
    items = _topic_with_two_pages(ann)
    newest = items[-1]
    second_pages = ["/topics/water/?page=2", f"{ann.get_absolute_url()}?page=2"]
    _warm(client, second_pages)

    if change == "publish moment":
        # From newest to oldest: every item after it moves up a place.
        newest.publish_at = items[0].publish_at - timedelta(days=1)
        newest.save()
    elif change == "withdrawn":
        newest.status = Publication.Status.DRAFT
        newest.save()
    elif change == "topic":
        newest.tags.set(["Glaciers"])
    else:
        newest.authorships.all().delete()

    for path in second_pages:
        if (
            change == "topic"
            and "authors" in path
            or (change == "author" and "topics" in path)
        ):
            continue
        assert get(client, path)["X-Cache"] == "miss", path


def test_an_authors_bio_edit_rebuilds_their_pages_and_keeps_every_card(
    client,
    site_cache,  # noqa: F811
):
    ann, bob = make_author(name="Ann"), make_author(name="Bob")
    anns = make_report(title="Water", authors=[ann], tags=["Water"])
    bobs = make_report(title="Glaciers", authors=[bob], tags=["Glaciers"])
    ann.bio = "<p>Ann wrote before.</p>"
    ann.save()
    showing = [anns.get_absolute_url(), ann.get_absolute_url()]
    not_showing = [
        bobs.get_absolute_url(),
        bob.get_absolute_url(),
        "/topics/water/",
        "/publications/?topic=water",
        "/publications/?q=water",
    ]
    _warm(client, showing + not_showing)
    store_missing_cards()
    before = content_version()

    ann.bio = "<p>Ann writes now.</p>"
    ann.save()

    assert EVERYTHING not in KeyChange.objects.filter(
        changed_at__gt=before
    ).values_list("key", flat=True)
    _assert_rebuilt_showing(client, showing, "Ann writes now.")
    _assert_still_cached(client, not_showing)
    # Cards show an author's name and address only.
    assert store_missing_cards() == 0


@pytest.mark.parametrize("field", ["name", "slug"])
def test_an_authors_name_or_address_rebuilds_every_page(
    client,
    site_cache,  # noqa: F811
    field,
):
    ann = make_author(name="Ann")
    make_report(title="Water", authors=[ann], tags=["Water"])
    _warm(client, ["/topics/water/", "/publications/?type=special-report"])

    renamed = {"name": "Ann Renamed", "slug": "ann-renamed"}[field]
    setattr(ann, field, renamed)
    ann.save()

    # On every card of hers: her name, and a link to her address.
    for path in ("/topics/water/", "/publications/?type=special-report"):
        response = get(client, path)
        assert response["X-Cache"] == "miss", path
        assert renamed in response.content.decode(), path


def test_an_author_with_nothing_live_changes_nothing_public(
    client,
    site_cache,  # noqa: F811
):
    ann = make_author(name="Ann")
    make_report(title="Draft", authors=[ann], published=False)
    make_report(title="Live", tags=["Water"])
    before = content_version()

    ann.name = "Ann Renamed"
    ann.bio = "<p>New.</p>"
    ann.save()

    assert content_version() == before


def test_a_series_description_rebuilds_its_pages_and_keeps_the_rest(
    client,
    site_cache,  # noqa: F811
):
    series = make_series(title="Water briefings", commissioned_by="Before Trust")
    in_series = make_report(title="Wells", series=series, tags=["Water"])
    elsewhere = make_report(title="Glaciers", tags=["Glaciers"])
    showing = [in_series.get_absolute_url(), series.get_absolute_url(), "/series/"]
    not_showing = [
        elsewhere.get_absolute_url(),
        "/topics/water/",
        "/publications/?topic=water",
    ]
    _warm(client, showing + not_showing)
    store_missing_cards()

    series.commissioned_by = "After Trust"
    series.save()

    _assert_rebuilt_showing(client, showing, "After Trust")
    _assert_still_cached(client, not_showing)
    assert store_missing_cards() == 0
