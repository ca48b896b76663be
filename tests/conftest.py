import hashlib
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


@pytest.fixture(autouse=True, scope="session")
def encode_each_rendition_once():
    """Encode a given picture at a given size once per run, then reuse the bytes.

    Tests that load the demo and commit (browser, harvest) make the
    renditions of the same generated covers and portraits each time, and
    encoding them was half of load_demo's time. The bytes reused are those
    the real encoder made for the same pixels.
    """
    from core import renditions

    encode = renditions._encode
    made = {}

    def remembered(base, rendition, *, icc_profile):
        key = (
            base.mode,
            base.size,
            hashlib.blake2b(base.tobytes(), digest_size=16).digest(),
            rendition.width,
            rendition.height,
            rendition.extension,
            rendition.name.endswith(".og.jpg"),
            icc_profile,
        )
        if key not in made:
            made[key] = encode(base, rendition, icc_profile=icc_profile)
        return made[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(renditions, "_encode", remembered)
        yield


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


@pytest.fixture(scope="session")
def s3_server():
    """Start this run's S3-compatible server (moto); stop it when the run ends."""
    from tests.object_storage import MotoServer

    server = MotoServer()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings, monkeypatch):
    """Keep uploads in a new, private bucket of the test server, as configured.

    STORAGES comes from FOLIO_STORAGE_URL as the settings read it.
    """
    import uuid

    from config.storage_url import media_storages
    from tests.object_storage import CREDENTIALS, Bucket

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = Bucket(endpoint=s3_server.endpoint, name=f"folio-{uuid.uuid4().hex}")
    bucket.client().create_bucket(Bucket=bucket.name)
    settings.STORAGES = {**settings.STORAGES, **media_storages(bucket.url)}
    return bucket
