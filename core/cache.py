"""Django's Redis and database caches, with less work per call."""

import base64
import itertools
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Build a redis.Redis client once per pool rather than on every call.

    A page served from the cache makes one call; building the client (it
    parses its options each time) was a measurable part of it.
    """

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FolioRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


# Django's database cache counts its whole table (SELECT COUNT(*)) on every
# write, to cull it past MAX_ENTRIES.
CULL_CHECK_EVERY = 50


class FolioDatabaseCache(DatabaseCache):
    """Django's database cache, counting its rows on one write in CULL_CHECK_EVERY.

    The count took 3 ms at 7,600 entries on the bench's machine and grows
    with the table, and a page built afresh writes twenty-odd entries (its
    cards, counts and options): most of a miss without Redis. Other writes
    are one upsert (INSERT ... ON CONFLICT, PostgreSQL and SQLite alike) in
    a savepoint, as Django's are; between two counts each process can take
    the table past MAX_ENTRIES by at most CULL_CHECK_EVERY rows.
    """

    def __init__(self, table, params):
        super().__init__(table, params)
        self._writes = itertools.count()

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if (
            mode == "touch"
            or connection.vendor not in ("postgresql", "sqlite")
            or next(self._writes) % CULL_CHECK_EVERY == 0
        ):
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        zone = UTC if settings.USE_TZ else None
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=zone)
        now = tz_now().replace(microsecond=0)
        adapt = connection.ops.adapt_datetimefield_value
        pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol))
        quote = connection.ops.quote_name
        table = quote(self._table)
        key_column, value_column, expires_column = (
            quote(name) for name in ("cache_key", "value", "expires")
        )
        sql = (
            f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "
            "VALUES (%s, %s, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{value_column} = excluded.{value_column}, "
            f"{expires_column} = excluded.{expires_column}"
        )
        params = [key, pickled.decode("latin1"), adapt(expires.replace(microsecond=0))]
        if mode == "add":
            # An entry past its expiry counts as absent, as for Django's add().
            sql += f" WHERE {table}.{expires_column} < %s"
            params.append(adapt(now))
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.rowcount > 0
        except DatabaseError:
            # As Django's: a write that loses a race fails quietly.
            return False
