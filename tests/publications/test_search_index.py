"""The search index follows every change, in the change's own transaction.

Run this module with DATABASE_URL set to a PostgreSQL database too.
"""

import importlib
import io
import pkgutil
import threading
import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

import publications.migrations
from publications.caching import content_version
from publications.management.commands import (
    rebuild_search_index as rebuild_search_index_command,
)
from publications.models import (
    ContentVersion,
    KeyChange,
    Publication,
    Report,
    SummaryPoint,
)
from publications.search import (
    postgresql,
    search_publications,
    sqlite,
    update_search_index,
)
from tests.factories import ago, make_author, make_related, make_report
from tests.publications.test_caching_pages import get, site_cache  # noqa: F401

pytestmark = pytest.mark.django_db


def titles(text, publications=None):
    if publications is None:
        publications = Publication.objects.live()
    return [p.title for p in search_publications(publications, text)]


def _wipe_index():
    """Empty the search index, as a database restored without it would be."""
    if connection.vendor == "postgresql":
        Publication.objects.update(search_vector_ranked=None)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM publications_searchterms")
    else:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM publications_search")


def test_an_edited_title_is_found_by_its_new_words_only():
    report = make_report(title="Glaciers retreat")
    report.title = "Deserts advance"
    report.save()
    assert titles("glaciers") == []
    assert titles("deserts") == ["Deserts advance"]


def test_an_edited_title_moves_its_item_to_the_title_matches():
    make_report(title="Rivers", teaser="On glaciers.", publish_at=ago(1))
    report = make_report(title="Deserts", teaser="Glaciers too.", publish_at=ago(2))
    assert titles("glaciers") == ["Rivers", "Deserts"]

    report.title = "Glaciers"
    report.save()

    assert titles("glaciers") == ["Glaciers", "Rivers"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite ranks with bm25 over every word"
)
def test_items_matching_only_in_their_text_follow_newest_first():
    # Ranked by title, teaser, author and topic words alone: the text's
    # words match without reading the whole vector of every match.
    make_report(
        title="Old", about="<p>Glaciers, glaciers, glaciers.</p>", publish_at=ago(3)
    )
    make_report(title="New", about="<p>Glaciers.</p>", publish_at=ago(2))
    make_report(title="Teaser", teaser="Glaciers.", publish_at=ago(5))

    assert titles("glaciers") == ["Teaser", "New", "Old"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the vectors are PostgreSQL's"
)
def test_the_ranked_vector_holds_the_title_teaser_author_and_topic_words():
    report = make_report(
        title="Glaciers",
        teaser="Retreat.",
        authors=[make_author(name="Ann Hill")],
        tags=["Ice"],
        about="<p>Meltwater.</p>",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_to_string(tsvector_to_array(search_vector_ranked), ' ')"
            " FROM publications_publication WHERE id = %s",
            [report.pk],
        )
        (words,) = cursor.fetchone()

    assert sorted(words.split()) == ["ann", "glacier", "hill", "ice", "retreat"]


def test_unpublished_and_withdrawn_items_leave_the_results():
    report = make_report(title="Glaciers retreat")
    related = make_related(title="Glaciers photographed")
    report.status = Publication.Status.DRAFT
    report.save()
    related.publish_at, related.unpublish_at = ago(10), ago(1)
    related.save()
    assert titles("glaciers") == []


def test_a_deleted_item_leaves_the_index():
    report = make_report(title="Glaciers retreat")
    make_related(title="Glacier tours")
    report.delete()
    assert titles("glaciers", Publication.objects.all()) == ["Glacier tours"]


def test_a_rolled_back_change_leaves_the_index_as_before():
    report = make_report(title="Glaciers retreat", tags=["Ice"])
    with pytest.raises(RuntimeError), transaction.atomic():
        report.title = "Deserts advance"
        report.save()
        report.tags.add("Sand")
        raise RuntimeError
    assert titles("glaciers") == ["Glaciers retreat"]
    assert titles("deserts") == titles("sand") == []


@pytest.mark.django_db(transaction=True)
def test_a_save_whose_index_update_fails_is_not_saved():
    """In autocommit too, the row and its index commit together or not at all."""
    report = make_report(title="Glaciers retreat")
    report.title = "Deserts advance"
    backend = "publications.search._backend"
    failing = SimpleNamespace(update_index=mock.Mock(side_effect=DatabaseError))
    with mock.patch(backend, return_value=failing), pytest.raises(DatabaseError):
        report.save()
    assert Publication.objects.get().title == "Glaciers retreat"
    assert titles("glaciers") == ["Glaciers retreat"]


def test_topics_added_removed_and_renamed_are_followed():
    report = make_report(title="Fisheries")
    report.tags.add("Archipelagos")
    assert titles("archipelago") == ["Fisheries"]
    report.tags.remove("Archipelagos")
    assert titles("archipelago") == []
    report.tags.add("Atolls")
    tag = Tag.objects.get(name="Atolls")
    tag.name = "Lagoons"
    tag.save()
    assert titles("atolls") == []
    assert titles("lagoons") == ["Fisheries"]
    tag.delete()
    assert titles("lagoons") == []


def test_authors_added_renamed_and_removed_are_followed():
    author = make_author(name="Ingrid Halvorsen")
    report = make_report(title="Elections", authors=[author])
    author.name = "Wilhelmina Castellanos"
    author.save()
    assert titles("halvorsen") == []
    assert titles("castellanos") == ["Elections"]
    report.authorships.get().delete()
    assert titles("castellanos") == []


def test_summary_about_body_and_pdf_text_are_followed():
    report = make_report(title="Report", summary_points=["Desalination plants"])
    assert titles("desalination") == ["Report"]
    report.summary_points.get().delete()
    report.about = "<p>The <em>archipelago</em> dispute.</p>"
    report.body = "<h2>Fjords</h2><p>Glaciers &amp; ice</p>"
    report.save()
    assert titles("desalination") == []
    assert titles("archipelago") == titles("fjords glaciers") == ["Report"]
    # Tags are not words: "em" and "h2" find nothing, as on PostgreSQL.
    assert titles("em") == []


def test_the_ranking_puts_title_before_teaser_before_about():
    make_report(title="Alpha", about="<p>Aquifers</p>")
    make_report(title="Beta", teaser="On aquifers.")
    make_report(title="Aquifers in practice")
    assert titles("aquifer") == ["Aquifers in practice", "Beta", "Alpha"]


def test_updating_the_index_takes_the_same_queries_for_one_or_many_items():
    reports = [
        make_report(title=f"Report {n}", summary_points=["a", "b"], authors=[])
        for n in range(4)
    ]
    with CaptureQueriesContext(connection) as one:
        update_search_index([reports[0].pk])
    with CaptureQueriesContext(connection) as many:
        update_search_index([report.pk for report in reports])
    assert len(one) == len(many) <= 2


def test_the_command_rebuilds_an_emptied_index():
    make_report(title="Glaciers retreat", tags=["Ice"])
    make_related(title="Glacier tours")
    _wipe_index()
    assert titles("glaciers") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == "Indexed 2 publications.\n"
    assert titles("glacier ice") == ["Glaciers retreat"]
    assert len(titles("glaciers")) == 2


def test_the_command_makes_searches_show_what_it_indexed(
    client,
    site_cache,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    report = make_report(title="Deserts advance")
    path = "/publications/?q=glaciers"
    assert "Deserts advance" not in get(client, path).content.decode()
    assert get(client, path)["X-Cache"] == "hit"
    # Written around the models, as a bulk load would: no save, no index.
    Publication.objects.filter(pk=report.pk).update(title="Glaciers retreat")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_search_index", stdout=io.StringIO())
    page = get(client, path)
    assert page["X-Cache"] == "miss"
    assert "<mark>Glaciers</mark> retreat" in page.content.decode()
    assert "Glaciers retreat" in get(client, report.get_absolute_url()).content.decode()


def test_the_command_outdates_pages_cached_after_a_restored_dump(
    client,
    site_cache,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    report = make_report(title="Before the dump")
    dumped_at = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        report.title = "After the dump"
        report.save()
    path = report.get_absolute_url()
    get(client, path)
    # The dump restored: its rows, and its version, older than the page.
    Publication.objects.filter(pk=report.pk).update(title="Before the dump")
    ContentVersion.objects.update(version=dumped_at)
    KeyChange.objects.filter(changed_at__gt=dumped_at).delete()
    stale = get(client, path)
    assert stale["X-Cache"] == "hit"
    assert "After the dump" in stale.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_search_index", stdout=io.StringIO())
    page = get(client, path)
    assert page["X-Cache"] == "miss"
    assert "Before the dump" in page.content.decode()
    assert "After the dump" not in page.content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are PostgreSQL's; SQLite locks its whole file",
)
@pytest.mark.django_db(transaction=True)
def test_the_command_commits_batch_by_batch(monkeypatch):
    first = make_report(title="Glaciers retreat")
    make_report(title="Deserts advance")
    _wipe_index()
    monkeypatch.setattr(rebuild_search_index_command, "BATCH_SIZE", 1)
    update_index = postgresql.update_index
    seen_before_each_batch = []

    def first_item_seen_from_elsewhere():
        # An editor's save of the first item, while the command goes on.
        def look():
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT id FROM publications_publication"
                        " WHERE id = %s FOR UPDATE NOWAIT",
                        [first.pk],
                    )
                    cursor.execute(
                        "SELECT count(*) FROM publications_searchterms"
                        " WHERE publication_id = %s",
                        [first.pk],
                    )
                    seen_before_each_batch.append(cursor.fetchone()[0])
            except DatabaseError:
                seen_before_each_batch.append("locked")
            finally:
                connection.close()

        looking = threading.Thread(target=look)
        looking.start()
        looking.join(timeout=10)

    def watched(ids):
        first_item_seen_from_elsewhere()
        update_index(ids)

    monkeypatch.setattr(postgresql, "update_index", watched)
    call_command("rebuild_search_index", stdout=io.StringIO())
    # Before the second batch the first has committed: indexed, not locked.
    assert seen_before_each_batch == [0, 1]
    assert titles("glaciers") == ["Glaciers retreat"]


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="PostgreSQL's terms go with their publication (the key cascades)",
)
def test_the_command_drops_index_rows_of_publications_deleted_around_the_models():
    make_report(title="Glaciers retreat")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO publications_search (rowid, title) VALUES (%s, %s)",
            [999_999, "Orphaned glaciers"],
        )
    call_command("rebuild_search_index", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM publications_search ORDER BY rowid")
        rows = [rowid for (rowid,) in cursor.fetchall()]
    assert rows == list(Publication.objects.order_by("pk").values_list("pk", flat=True))
    assert titles("glaciers") == ["Glaciers retreat"]


def test_a_failed_batch_still_outdates_what_the_batches_before_it_changed(
    client,
    site_cache,  # noqa: F811
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    report = make_report(title="Deserts advance")
    make_report(title="Second item")
    path = "/publications/?q=glaciers"
    get(client, path)
    assert get(client, path)["X-Cache"] == "hit"
    Publication.objects.filter(pk=report.pk).update(title="Glaciers retreat")
    monkeypatch.setattr(rebuild_search_index_command, "BATCH_SIZE", 1)
    backend = postgresql if connection.vendor == "postgresql" else sqlite
    update_index = backend.update_index
    batches = []

    def second_batch_fails(ids):
        batches.append(ids)
        if len(batches) == 2:
            raise DatabaseError("the database went away")
        update_index(ids)

    monkeypatch.setattr(backend, "update_index", second_batch_fails)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(DatabaseError),
    ):
        call_command("rebuild_search_index", stdout=io.StringIO())
    page = get(client, path)
    assert page["X-Cache"] == "miss"
    assert "<mark>Glaciers</mark> retreat" in page.content.decode()


def test_the_command_dry_run_changes_nothing():
    make_report(title="Glaciers retreat")
    _wipe_index()
    out = io.StringIO()
    call_command("rebuild_search_index", "--dry-run", stdout=out)
    assert out.getvalue() == "Would index 1 publication.\n"
    assert titles("glaciers") == []


def test_the_migration_indexes_an_existing_database():
    make_report(title="Glaciers retreat", summary_points=["Meltwater"])
    make_related(title="Glacier tours", tags=["Ice"])
    fts, ranked, terms = (
        importlib.import_module(f"publications.migrations.{module.name}")
        for suffix in (
            "sqlite_full_text_search",
            "search_vector_ranked",
            "search_terms",
        )
        for module in pkgutil.iter_modules(publications.migrations.__path__)
        if module.name.endswith(suffix)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE publications_search")
        else:
            # The schema before 0022: the whole vector on the row.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE publications_searchterms"
                " DROP CONSTRAINT publications_searchterms_publication_fk"
            )
            cursor.execute("DROP INDEX publications_searchterms_gin")
            cursor.execute("DELETE FROM publications_searchterms")
            cursor.execute("DROP INDEX publications_publication_title_terms_gin")
            cursor.execute(
                "ALTER TABLE publications_publication ADD COLUMN search_vector tsvector"
            )
            Publication.objects.update(search_vector_ranked=None)
        # The migrations' own functions, with just what they use of a schema
        # editor, in their order.
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        fts.create_and_fill_index(None, editor)
        ranked.rebuild_vectors(None, editor)
        terms.fill_terms(None, editor)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE publications_publication DROP COLUMN search_vector"
            )
    assert titles("meltwater") == ["Glaciers retreat"]
    assert titles("ice") == ["Glacier tours"]
    assert titles("glacier") == ["Glacier tours", "Glaciers retreat"]


def test_a_report_made_in_one_go_is_indexed_with_its_parts():
    report = Report.objects.create(
        title="Fisheries",
        slug="fisheries",
        publication_type_id=make_report().publication_type_id,
        teaser="Boats.",
        status=Publication.Status.PUBLISHED,
        publish_at=timezone.now(),
    )
    SummaryPoint.objects.create(report=report, text="Trawlers")
    assert titles("trawlers boats") == ["Fisheries"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SearchTerms and its foreign key exist on PostgreSQL only; SQLite's"
    " FTS5 index has no key to break",
)
@pytest.mark.django_db(transaction=True)
def test_indexing_an_item_deleted_meanwhile_keeps_the_rest_of_the_change():
    """An item deleted while its index is rewritten is skipped, not a failure.

    The rewrite waits for the delete's lock, then finds the row gone: its
    terms must not be written, where they would break the foreign key as
    the change commits.
    """
    doomed = make_related(title="Glaciers doomed")
    kept = make_related(title="Glaciers kept")
    Publication.objects.filter(pk=kept.pk).update(title="Moraines kept")
    deleted = threading.Event()

    def delete():
        try:
            with transaction.atomic():
                Publication.objects.filter(pk=doomed.pk).delete()
                deleted.set()
                # Commit once the rewrite waits on the deleted row's lock.
                with connection.cursor() as cursor:
                    for _ in range(100):
                        cursor.execute(
                            "SELECT count(*) FROM pg_stat_activity"
                            " WHERE wait_event_type = 'Lock'"
                            " AND datname = current_database()"
                        )
                        if cursor.fetchone()[0]:
                            break
                        time.sleep(0.05)
        finally:
            connection.close()

    deleting = threading.Thread(target=delete)
    deleting.start()
    assert deleted.wait(timeout=10)
    with transaction.atomic():
        update_search_index([doomed.pk, kept.pk])
    deleting.join(timeout=10)

    assert titles("moraines") == ["Moraines kept"]
    assert titles("glaciers") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT publication_id FROM publications_searchterms ORDER BY 1")
        assert [pk for (pk,) in cursor.fetchall()] == [kept.pk]
