"""Caches for tests: a Redis server of this test run's own, as production uses.

Each test run starts its own redis-server on a free port, so two runs on one
machine never flush each other's entries, and stops it when the run ends.
"""

import atexit
import shutil
import socket
import subprocess
import tempfile
import time

_server = {}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(*options):
    """Start a redis-server of its own with *options*; return its port or None.

    It is stopped when the test run ends.
    """
    executable = shutil.which("redis-server")
    if executable is None:
        return None
    port = _free_port()
    folder = tempfile.mkdtemp(prefix="folio-test-redis-")
    process = subprocess.Popen(
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            folder,
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        return None
    atexit.register(_stop, process, folder)
    return port


def _stop(process, folder):
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(folder, ignore_errors=True)


def redis_port():
    """Return the port of this test run's Redis server, or None without one."""
    if "port" not in _server:
        _server["port"] = start_redis()
    return _server["port"]


def redis_is_up():
    """Return True if this test run has a Redis server (redis-server installed)."""
    return redis_port() is not None


def redis_url(db=0):
    """Return the URL of database *db* on this test run's own Redis server."""
    return f"redis://127.0.0.1:{redis_port()}/{db}"


def redis_cache_settings(location, **options):
    """Return CACHES for Folio's Redis cache at *location*."""
    return {
        "default": {
            "BACKEND": "core.cache.FolioRedisCache",
            "LOCATION": location,
            "OPTIONS": options,
        }
    }


# The cache of a site without Redis: a table of its own database (migrate
# makes it), shared by every app server.
DATABASE_CACHE = {
    "default": {
        "BACKEND": "core.cache.FolioDatabaseCache",
        "LOCATION": "folio_cache",
    }
}


def shared_cache_settings(tmp_path):
    """Return CACHES for a cache every process shares: Redis, as in production.

    Without redis-server installed (CI installs it), a file cache stands in:
    it is shared too.
    """
    if redis_is_up():
        return {
            "default": {
                "BACKEND": "core.cache.FolioRedisCache",
                "LOCATION": redis_url(8),
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
