import shutil
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings

from publications.roles import ROLES
from tests.caches import shared_cache_settings


@pytest.fixture(autouse=True, scope="session")
def media_root():
    """Keep every file a test uploads in a temporary folder, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="folio-test-media-"))
    with override_settings(
        MEDIA_ROOT=path / "public", PRIVATE_MEDIA_ROOT=path / "private"
    ):
        yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(autouse=True)
def clear_cache():
    """Start every test with an empty cache."""
    from django.core.cache import cache

    from publications.caching import forget_in_process
    from publications.facets import forget_facet_index

    cache.clear()
    forget_in_process()
    forget_facet_index()
    yield
    cache.clear()
    forget_in_process()
    forget_facet_index()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Restore the default types and groups once the test database is ready.

    Transactional tests flush the tables when they end, which empties what
    migration 0002 created in a database that --reuse-db keeps for next time
    (the flush recreates permissions, not these rows).
    """
    from tests.factories import ensure_default_types, ensure_group

    with django_db_blocker.unblock():
        for name in ROLES:
            ensure_group(name)
        ensure_default_types()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit, as the end of a request's transaction does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def shared_cache(settings, tmp_path):
    """Use the cache the app servers would share, not per-process memory."""
    from django.core.cache import cache

    settings.CACHES = shared_cache_settings(tmp_path)
    cache.clear()
    yield cache
    cache.clear()
