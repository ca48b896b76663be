"""Settings for the test suite."""

from .base import *  # noqa: F403

SECRET_KEY = "folio-test-secret-key-not-for-production"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# tests/conftest.py points MEDIA_ROOT at a temporary folder for each run.
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-media-private"  # noqa: F405
# Tests run in one process, so its memory is the cache every "server" shares;
# the tests of publications.caching also run on Redis and the database cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests log in with client.login(), which gives axes no request; the login
# throttling tests switch it back on.
AXES_ENABLED = False
# Tests don't run collectstatic: serve static files from the app folders.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
