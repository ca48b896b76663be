import shutil
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings


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

    cache.clear()
    yield
    cache.clear()
