"""The content version and the keys it last moved for, in the database.

The version is one row, read once per request. Each public change moves it
on and writes the new version for the surrogate keys of the pages the
change alters (KeyChange): a page stored with the version it was built at
and the keys it shows counts while none of them changed after (is_current).
"""

import time
from datetime import UTC, timedelta
from functools import lru_cache

from asgiref.local import Local
from django.core.signals import request_finished, request_started
from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from publications.caching.purges import purge_after_commit
from publications.caching.surrogates import EVERYTHING, publication_keys
from publications.models import ContentVersion, KeyChange, Publication

_ROW = 1
# An item is live until its unpublish moment inclusive: it leaves just after.
LEAVES_JUST_AFTER = timedelta(microseconds=1)


def content_version():
    """Return the current content version.

    Read from the database once per request (outside requests, on every
    call). Once the next scheduled change has come, the version moves on
    first, so entries built before it no longer count.
    """
    memo = _memo()
    if memo is not None and memo.version is not None:
        return memo.version
    return _read()[0]


def is_current(keys, built_at):
    """Return True if no page of *keys* changed after version *built_at*.

    Every page also has the key "folio" (EVERYTHING). One query; the
    first read of a request brings the content version with it.
    """
    keys = sorted({*keys, EVERYTHING})
    memo = _memo()
    if memo is None or memo.version is None:
        newest = _read(keys)[1]
    else:
        row = _select(keys)
        if row is None:
            # The database was emptied since the version was read.
            return False
        newest = row[2]
    return newest is None or newest <= built_at


def changed_at(keys):
    """Return {key: version it last changed at} for *keys* and EVERYTHING.

    One query; a key that never changed is absent.
    """
    keys = {*keys, EVERYTHING}
    return dict(
        KeyChange.objects.filter(key__in=sorted(keys)).values_list("key", "changed_at")
    )


def changed_since(version, *, most):
    """Return the keys changed after *version*, or None if more than *most*.

    One query, through the index of changed_at.
    """
    keys = list(
        KeyChange.objects.filter(changed_at__gt=version)
        .order_by()
        .values_list("key", flat=True)[: most + 1]
    )
    return None if len(keys) > most else set(keys)


def _read(keys=()):
    """Return (content version, newest change of *keys*), moving on if due."""
    now = timezone.now()
    version, next_change_at, newest = _read_row(keys)
    while next_change_at is not None and next_change_at <= now:
        version, next_change_at, _ = _move_on_after_schedule(
            version, next_change_at, now
        )
        # Whichever of the page's keys changed, it changed at that moment.
        newest = version
    memo = _memo()
    if memo is not None:
        memo.version = version
        memo.next_change_at = next_change_at
    return version, newest


def next_scheduled_change():
    """Return when a scheduled item next goes live or leaves, or None.

    Read with content_version(), once per request.
    """
    content_version()
    memo = _memo()
    if memo is not None and memo.version is not None:
        return memo.next_change_at
    return _read_row()[1]


def public_content_changed(purge_keys=None, *, past_the_clock=False):
    """Move the version on, in the current transaction.

    Called for every change a reader can see, with the surrogate keys of
    the pages it alters (a set, or a callable returning one; every page
    when the caller does not say which). Pages and parts stored with those
    keys stop counting, and a shared HTTP cache, if any, purges them once
    the transaction commits. If it rolls back, so does all of it.

    *past_the_clock* moves the version to the clock's milliseconds at least,
    as a new database's first version is counted (_create_row): for a
    database restored from a dump, which carries the version it had then,
    older than the pages stored since.
    """
    if callable(purge_keys):
        purge_keys = purge_keys()
    keys = set(purge_keys or {EVERYTHING})
    forget_version()
    moved = ContentVersion.objects.filter(pk=_ROW)
    step = F("version") + 1
    if past_the_clock:
        step = Greatest(step, Value(_clock_version()))
    if not moved.update(version=step):
        _create_row()
        moved.update(version=step)
    # The update above holds the row's lock until the commit, so versions
    # are handed out in commit order: a page built from what a reader saw at
    # version v includes every change numbered v or lower.
    version = _select()[0]
    _mark_changed(keys, version)
    purge_after_commit(keys)


def _mark_changed(keys, version):
    KeyChange.objects.bulk_create(
        [KeyChange(key=key, changed_at=version) for key in sorted(keys)],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["changed_at"],
    )


def scheduled_change_at(moment, *, leaves=False):
    """Make the version move on at *moment*, in the current transaction.

    For an item scheduled to go live then (or, with *leaves*, to leave
    just after it). Changes nothing public now.
    """
    if leaves:
        moment += LEAVES_JUST_AFTER
    # Written even when an earlier moment stays: the row's lock orders this
    # with a move past a moment (_move_on_after_schedule), which reads the
    # next moment only once it holds the lock. Were this row left alone, a
    # move reading before this transaction commits would set a later moment
    # and this one would pass unmarked.
    moment = Value(moment, output_field=DateTimeField())
    ContentVersion.objects.filter(pk=_ROW).update(
        next_change_at=Least(Coalesce("next_change_at", moment), moment)
    )


def version_read_in_request():
    """Return the content version this request read first, or None.

    None outside requests, before the first read, and after a change made
    in the request (forget_version).
    """
    memo = _memo()
    return None if memo is None else memo.version


def forget_version():
    """Make the next content_version() in this request read the database."""
    memo = _memo()
    if memo is not None:
        memo.version = None


def _read_row(keys=()):
    """Return (version, next change or None, newest change of *keys* or None).

    Makes the row if it is missing.
    """
    row = _select_row(keys)
    if row is None:
        _create_row()
        return _read_row(keys)
    version, next_change_at, newest = row
    if next_change_at is not None and timezone.is_naive(next_change_at):
        # SQLite keeps UTC without its zone.
        next_change_at = next_change_at.replace(tzinfo=UTC)
    return version, next_change_at, newest


def _select_row(keys):
    # The first query of a public request: it doubles as the persistent
    # connection's health check (one round trip instead of two), and a
    # connection found dead is replaced once, as that check would.
    db = connections[DEFAULT_DB_ALIAS]
    is_check = (
        db.health_check_enabled
        and not db.health_check_done
        and db.connection is not None
        and not db.in_atomic_block
    )
    if is_check:
        db.health_check_done = True
    try:
        return _select(keys)
    except (OperationalError, InterfaceError):
        if not is_check:
            raise
        db.close()
        return _select(keys)


def _select(keys=()):
    """Return the row (version, next change, newest change of *keys*), or None."""
    # The wrapper itself: each attribute read through the `connection` proxy
    # costs a microsecond, and this runs on every public request.
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "postgresql" and not db.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    ):
        return _select_prepared(db, keys)
    # A plain cursor costs a sixth of the ORM's query, on every request.
    quote = connection.ops.quote_name
    table = quote(ContentVersion._meta.db_table)
    newest = "NULL"
    if keys:
        placeholders = ", ".join(["%s"] * len(keys))
        newest = (
            f"(SELECT MAX({quote('changed_at')}) FROM"
            f" {quote(KeyChange._meta.db_table)}"
            f" WHERE {quote('key')} IN ({placeholders}))"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version, next_change_at, {newest} FROM {table} WHERE id = %s",
            [*keys, _ROW],
        )
        return cursor.fetchone()


# Named after the table it reads, so that a query log says which.
_PREPARED = "folio_publications_contentversion_state"


def _select_prepared(db, keys):
    """_select() through a statement PostgreSQL planned once per connection.

    Every public request runs it: planning its subquery each time cost
    about 50 µs of a 125 µs round trip. Prepared statements outlive a
    rolled-back transaction; a new connection prepares it again. Behind
    PgBouncer in transaction mode (DISABLE_SERVER_SIDE_CURSORS, which Django
    asks for there) the plain query is used instead.
    """
    db.ensure_connection()
    raw = db.connection
    if getattr(db, "folio_prepared_for", None) is not raw:
        table = ContentVersion._meta.db_table
        keys_table = KeyChange._meta.db_table
        # On the driver's own cursor: preparing is not a query of the request.
        with db.wrap_database_errors, raw.cursor() as cursor:
            cursor.execute(
                f"PREPARE {_PREPARED}(text[], bigint) AS"
                f' SELECT version, next_change_at, (SELECT MAX(changed_at) FROM "'
                f'{keys_table}" WHERE key = ANY($1)) FROM "{table}" WHERE id = $2'
            )
        db.folio_prepared_for = raw
    statement = _prepared_call(tuple(keys))
    if db.queries_logged or db.execute_wrappers:
        # Seen as a query of the request by whatever watches them (tests
        # counting queries, a debug toolbar, execute_wrapper()).
        with db.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone()
    # The driver's cursor, as Django makes it (time zone included), without
    # Django's wrapper: the wrapper and adapting the keys afresh took half
    # of this query's 104 µs in a loop, on every public request.
    db.validate_no_broken_transaction()
    with db.wrap_database_errors, db.create_cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()


@lru_cache(maxsize=4096)
def _prepared_call(keys):
    """Return the SQL that runs the prepared statement for *keys* (a tuple).

    Pages repeat their keys, so each set is quoted once per process, by the
    driver (its quoting is the same on every connection to the database).
    """
    return connection.ops.compose_sql(
        f"EXECUTE {_PREPARED}(%s::text[], %s)", [list(keys), _ROW]
    )


def _create_row():
    # A flushed or new database: counted from the clock, so a version is
    # never one that entries an older database left in the cache carry,
    # and every page changed at it.
    version = _clock_version()
    ContentVersion.objects.bulk_create(
        [
            ContentVersion(
                pk=_ROW,
                version=version,
                next_change_at=_next_change(timezone.now()),
            )
        ],
        ignore_conflicts=True,
    )
    _mark_changed({EVERYTHING}, _select()[0])


def _clock_version():
    # Versions count on from the clock's milliseconds when the row is made,
    # one per change: far fewer than a thousand a second, so they stay
    # behind the clock.
    return int(time.time() * 1000)


def _move_on_after_schedule(version, due_at, now):
    """Move the version on once, unless another server already did.

    *due_at* is the moment that came (the row's next change), *now* the
    present: the items going live or leaving from *due_at* to *now* alter
    the pages that publishing or withdrawing them by hand then would.
    """
    with transaction.atomic():
        moved = ContentVersion.objects.filter(pk=_ROW, version=version).update(
            version=version + 1
        )
        if moved:
            # Read with the row's lock held: a transaction that schedules an
            # item has then committed (it is seen) or waits for this one (it
            # then lowers the moment this sets; scheduled_change_at).
            ContentVersion.objects.filter(pk=_ROW).update(
                next_change_at=_next_change(now)
            )
            _mark_changed(_scheduled_keys(due_at, now), version + 1)
    return _read_row()


# More items than this at one scheduled moment (an import, say) alter every
# page: reading each one's keys would hold up the request that moves on.
SCHEDULED_ITEMS_NAMED = 20


def _scheduled_keys(due_at, now):
    """Return the keys of the pages the items due from *due_at* to *now* alter.

    Their own pages, the lists they enter or leave and the pages showing
    them (publication_keys), as a shared HTTP cache gets them
    (purges.purge_at); other items' pages, cards and remembered parts stay
    current. Pages that will list one as related change when the change
    queue re-ranks them (publications.derived), as after a save.
    """
    # A moment is one at which an item goes live, or just after which it
    # leaves (LEAVES_JUST_AFTER): from *due_at* on, both.
    due = list(
        Publication.objects.changed_state_between(due_at - LEAVES_JUST_AFTER, now)
        .order_by()
        .values_list("pk", flat=True)[: SCHEDULED_ITEMS_NAMED + 1]
    )
    if len(due) > SCHEDULED_ITEMS_NAMED:
        return {EVERYTHING}
    keys = set()
    for publication_id in due:
        keys |= publication_keys(publication_id)
    return keys


def _next_change(now):
    """Return the first moment after *now* an item goes live or leaves, or None."""
    published = Publication.objects.filter(status=Publication.Status.PUBLISHED)
    going_live = (
        published.filter(publish_at__gt=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    leaving = (
        published.filter(unpublish_at__gte=now)
        .order_by("unpublish_at")
        .values_list("unpublish_at", flat=True)
        .first()
    )
    moments = [going_live, leaving + LEAVES_JUST_AFTER if leaving else None]
    return min((moment for moment in moments if moment), default=None)


class _RequestMemo:
    """What a request read of the content version (None: not read yet)."""

    __slots__ = ("version", "next_change_at")

    def __init__(self):
        self.version = None
        self.next_change_at = None


# The version read first in a request serves the rest of it: a page is built
# from one version. Outside requests (commands, shells) every read asks. The
# request's memo is one attribute of the Local, set as the request starts and
# ends, since each attribute set on a Local costs microseconds a request.
_request = Local()


def _memo():
    return getattr(_request, "memo", None)


def _start_request(**kwargs):
    _request.memo = _RequestMemo()


def _end_request(**kwargs):
    _request.memo = None


request_started.connect(_start_request, dispatch_uid="folio-content-version-start")
request_finished.connect(_end_request, dispatch_uid="folio-content-version-end")
