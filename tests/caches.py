"""Caches for tests: the shared one app servers use in production (Redis)."""

import socket


def redis_is_up():
    """Return True if a Redis server answers at 127.0.0.1:6379 (CI starts one)."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def shared_cache_settings(tmp_path):
    """Return CACHES for a cache every process shares: Redis, as in production.

    Redis database 8 is flushed by the tests that use it. Without a Redis
    server (CI starts one), a file cache stands in: it is shared too.
    """
    if redis_is_up():
        return {
            "default": {
                "BACKEND": "core.cache.FolioRedisCache",
                "LOCATION": "redis://127.0.0.1:6379/8",
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
