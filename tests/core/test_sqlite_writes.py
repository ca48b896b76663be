"""SQLite, the embedded default, under two writers at once.

`make run` has a worker draining the change queue while an editor saves: two
connections writing one file. A transaction that read first and writes later
(every ORM save does) must wait for the other writer, not fail with
"database is locked". Each connection here is a separate Django connection to
its own file, so the test holds on either test database.
"""

import contextlib
import threading

import pytest
from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _own_files_allowed(django_db_blocker):
    """These connections open their own files, not the test database."""
    with django_db_blocker.unblock():
        yield


def _settings_dict(path, options):
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": dict(options),
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }


@contextlib.contextmanager
def _connection(path, options, alias):
    """A Django connection of its own to *path*, known as *alias* in this thread."""
    wrapper = DatabaseWrapper(_settings_dict(path, options), alias)
    connections[alias] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        del connections[alias]


def _increment(wrapper, alias, *, after_read=None, before_write=None):
    """Read the counter and write it plus one, in one transaction, as a save does."""
    with transaction.atomic(using=alias), wrapper.cursor() as cursor:
        cursor.execute("SELECT n FROM counter WHERE id = 1")
        (count,) = cursor.fetchone()
        if after_read:
            after_read()
        if before_write:
            before_write()
        cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [count + 1])


def _two_saves_interleaved(path, options):
    """Run two read-then-write transactions that overlap; return their errors.

    The first reads, waits (up to a moment) until the second has read too,
    then writes and commits; the second writes after that commit. Under
    SQLite's default deferred transactions the second one's read lock cannot
    become a write lock any more. Under Folio's settings the second waits at
    its start for the first to finish, so it never reads a stale row.
    """
    setup = DatabaseWrapper(_settings_dict(path, options), "sqlite_setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id integer primary key, n integer)")
        cursor.execute("INSERT INTO counter VALUES (1, 0)")
    setup.close()

    first_read = threading.Event()
    second_read = threading.Event()
    first_committed = threading.Event()
    errors = []

    def save(alias, before_write, after_read):
        with _connection(path, options, alias) as wrapper:
            try:
                _increment(
                    wrapper, alias, after_read=after_read.set, before_write=before_write
                )
            except OperationalError as error:
                errors.append(str(error))

    def first():
        save("sqlite_first", lambda: second_read.wait(1), first_read)
        first_committed.set()

    def second():
        first_read.wait(5)
        save("sqlite_second", lambda: first_committed.wait(5), second_read)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    check = DatabaseWrapper(_settings_dict(path, options), "sqlite_check")
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter WHERE id = 1")
        (count,) = cursor.fetchone()
    check.close()
    return errors, count


def test_sqlite_defaults_fail_the_second_of_two_overlapping_saves(tmp_path):
    """The control: with deferred transactions, as SQLite's default, it fails."""
    options = {**settings.SQLITE_OPTIONS, "transaction_mode": None}
    errors, count = _two_saves_interleaved(tmp_path / "plain.sqlite3", options)
    assert errors and "locked" in errors[0]
    assert count == 1


def test_folios_sqlite_options_let_two_overlapping_saves_both_succeed(tmp_path):
    errors, count = _two_saves_interleaved(
        tmp_path / "folio.sqlite3", settings.SQLITE_OPTIONS
    )
    assert errors == []
    assert count == 2


def test_folios_sqlite_options_put_the_database_in_wal_mode(tmp_path):
    wrapper = DatabaseWrapper(
        _settings_dict(tmp_path / "wal.sqlite3", settings.SQLITE_OPTIONS), "wal"
    )
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        (mode,) = cursor.fetchone()
    wrapper.close()
    assert mode == "wal"


@pytest.mark.parametrize("writers", [4])
def test_many_writers_lose_no_increment_under_folios_sqlite_options(tmp_path, writers):
    path = tmp_path / "many.sqlite3"
    setup = DatabaseWrapper(_settings_dict(path, settings.SQLITE_OPTIONS), "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id integer primary key, n integer)")
        cursor.execute("INSERT INTO counter VALUES (1, 0)")
    setup.close()
    errors = []

    def work(alias):
        with _connection(path, settings.SQLITE_OPTIONS, alias) as wrapper:
            try:
                for _ in range(25):
                    _increment(wrapper, alias)
            except OperationalError as error:
                errors.append(str(error))

    threads = [
        threading.Thread(target=work, args=(f"sqlite_writer_{i}",))
        for i in range(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    check = DatabaseWrapper(_settings_dict(path, settings.SQLITE_OPTIONS), "check")
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter WHERE id = 1")
        (count,) = cursor.fetchone()
    check.close()
    assert errors == []
    assert count == writers * 25
