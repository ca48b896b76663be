"""Settings shared by every environment; values come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.storage_url import image_origins, media_storages

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    """Return the environment variable *name* read as a boolean."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    """Return the comma-separated environment variable *name* as a list."""
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default)


def env_int(name, default):
    """Return the environment variable *name* as an int, or *default*."""
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, got {value!r}."
        ) from error


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Full-text search on PostgreSQL; inert on SQLite.
    "django.contrib.postgres",
    "django_prose_editor",
    "taggit",
    "import_export",
    "axes",
    # Saved versions of reports and related publications, restorable in the admin.
    "reversion",
    # The queue of background tasks (django.tasks), a table of this database.
    "django_tasks_db",
    "core",
    "authors",
    "publications",
    # The JSON API's framework; listed for its bundled API docs assets.
    "ninja",
    "opendata",
]

MIDDLEWARE = [
    # First, so that nothing reads a query string Django refuses to parse: a
    # refused one is a 400 with the site's page, DEBUG or not.
    "config.middleware.RequestDataMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # After the HTTPS redirect, before everything else: a cached page is
    # stored with the headers the middleware below gave it.
    # Around the page cache, so that its hits are marked too: s-maxage and
    # surrogate keys for a shared cache in front, with a purge backend set.
    "publications.caching.shared_caches.SharedCacheHeadersMiddleware",
    "publications.caching.pages.PublicPageCacheMiddleware",
    # core.middleware: Django's own, minus per-request work nothing uses.
    "core.middleware.CachedPolicyCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag and 304 answers for freshly built pages (the page cache answers
    # conditional requests for the pages it serves).
    "core.middleware.ChecksumConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks lockouts before the model backend authenticates anyone.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "config.context_processors.site",
            ],
        },
    },
]

# Content-Security-Policy: scripts only from this site or carrying the
# per-response nonce (the admin's and the rich-text editor's import map);
# nothing is loaded from other origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The admin and the editor set style attributes; styles can't run code.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The web server and the background worker write at once (make run). A
# SQLite transaction that reads, then writes, fails at once with "database is
# locked" when it must upgrade its lock while another writes (15 of 30 saves
# during a drain); taking the write lock when it begins, waiting up to 20 s
# for it, and WAL (readers never wait) avoid that.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}

# SQLite in the project folder is the embedded default; production uses
# PostgreSQL through DATABASE_URL. A short connect timeout makes an unreachable
# database fail fast (503) instead of hanging a worker.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DJANGO_DB_CONNECT_TIMEOUT", 3
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
# PDFs, served only through the view that checks the report is live. Keep it
# outside MEDIA_ROOT so no web server serving media can reach it.
PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT") or BASE_DIR / "private-media"
)

# Uploads: "default" public (images), "private" (PDFs); local folders, or an
# S3-compatible bucket that FOLIO_STORAGE_URL names (config.storage_url).
STORAGES = {
    **media_storages(os.environ.get("FOLIO_STORAGE_URL")),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Images redirect to signed URLs of the bucket when there is one.
SECURE_CSP["img-src"] += image_origins(STORAGES)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache every app server of the site sees (publications.caching):
# Redis when configured, otherwise a table in the site's own database, made
# by migrate. Redis needs a maxmemory policy that evicts (README, "Caching").
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FolioRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FolioDatabaseCache",
            "LOCATION": "folio_cache",
            "OPTIONS": {"MAX_ENTRIES": env_int("DJANGO_DB_CACHE_MAX_ENTRIES", 20_000)},
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "folio": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

TAGGIT_CASE_INSENSITIVE = True

# Background tasks (the generated PDFs) wait in a table of the site's own
# database until `manage.py run_worker` runs them (README, "Report PDFs").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Login throttling: lock out an IP address and username pair after repeated
# failures. The client address is REMOTE_ADDR; behind N reverse proxies that
# each append to X-Forwarded-For, set DJANGO_AXES_PROXY_COUNT=N so the address
# the outermost proxy saw is used (see core.client_address). Never set it
# without such proxies: clients could then forge the header to dodge lockouts.
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip_address"
FOLIO_PROXY_COUNT = env_int("DJANGO_AXES_PROXY_COUNT", 0)
if FOLIO_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_AXES_PROXY_COUNT must be 0 or more.")

# Mail (review notifications): printed to the console, or written one file
# per message into the folder FOLIO_EMAIL_FILE_PATH names. Production sends
# through SMTP (config.settings.production).
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "folio@localhost")
FOLIO_EMAIL_FILE_PATH = os.environ.get("FOLIO_EMAIL_FILE_PATH", "")
if FOLIO_EMAIL_FILE_PATH:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": FOLIO_EMAIL_FILE_PATH},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Folio's own settings.
FOLIO_SITE_NAME = os.environ.get("FOLIO_SITE_NAME", "Folio Institute")
FOLIO_SITE_URL = os.environ.get("FOLIO_SITE_URL", "http://127.0.0.1:8000")
FOLIO_SITE_DESCRIPTION = os.environ.get(
    "FOLIO_SITE_DESCRIPTION",
    "Reports, analysis and commentary on peace, security and governance.",
)
# The organisation named as publisher in citations and structured data.
FOLIO_PUBLISHER = os.environ.get("FOLIO_PUBLISHER", "")
FOLIO_PUBLISHER_PLACE = os.environ.get("FOLIO_PUBLISHER_PLACE", "Washington, DC")
FOLIO_RELATED_COUNT = env_int("FOLIO_RELATED_COUNT", 3)
# Whole public pages for anonymous readers; 0 turns the page cache off.
FOLIO_PAGE_CACHE_SECONDS = env_int("FOLIO_PAGE_CACHE_SECONDS", 3600)
# At most this many pages with a query string per path and content version.
FOLIO_PAGE_CACHE_VARIANTS = env_int("FOLIO_PAGE_CACHE_VARIANTS", 1000)
# Pages each worker process also keeps in its own memory (about 30 KB each),
# so the most read pages are served without a round trip to the shared
# cache; they count only under the same content version rule. 0: none.
FOLIO_PAGE_CACHE_IN_PROCESS = env_int("FOLIO_PAGE_CACHE_IN_PROCESS", 200)
# At most this many filter combinations' option counts remembered per
# content version; others are counted afresh on each request.
FOLIO_REMEMBERED_VARIANTS = env_int("FOLIO_REMEMBERED_VARIANTS", 5000)
# A shared HTTP cache in front of the app servers (Varnish, or a CDN):
# public pages carry s-maxage and surrogate keys only when a purge backend
# is set (varnish, cloudflare, fastly, cloudfront or a dotted path), and
# every public change purges their keys (publications.caching.purges). The
# s-maxage bounds how long a page outlives a purge that never arrives.
FOLIO_PURGE_BACKEND = os.environ.get("FOLIO_PURGE_BACKEND", "")
FOLIO_HTTP_CACHE_SECONDS = env_int("FOLIO_HTTP_CACHE_SECONDS", 300)
# Each purge is sent again this long after the first, for pages that were
# being fetched while the change committed. 0: once.
FOLIO_PURGE_REPEAT_SECONDS = env_int("FOLIO_PURGE_REPEAT_SECONDS", 5)
# Seconds to wait for a purge to be confirmed.
FOLIO_PURGE_TIMEOUT = env_int("FOLIO_PURGE_TIMEOUT", 5)
# The Varnish servers to purge, as http://host:port, comma-separated.
FOLIO_VARNISH_URLS = env_list("FOLIO_VARNISH_URLS")
FOLIO_CLOUDFLARE_ZONE_ID = os.environ.get("FOLIO_CLOUDFLARE_ZONE_ID", "")
FOLIO_CLOUDFLARE_API_TOKEN = os.environ.get("FOLIO_CLOUDFLARE_API_TOKEN", "")
FOLIO_FASTLY_SERVICE_ID = os.environ.get("FOLIO_FASTLY_SERVICE_ID", "")
FOLIO_FASTLY_API_TOKEN = os.environ.get("FOLIO_FASTLY_API_TOKEN", "")
FOLIO_CLOUDFRONT_DISTRIBUTION_ID = os.environ.get(
    "FOLIO_CLOUDFRONT_DISTRIBUTION_ID", ""
)
FOLIO_MAX_IMAGE_BYTES = env_int("FOLIO_MAX_IMAGE_BYTES", 10 * 1024 * 1024)
FOLIO_MAX_IMAGE_PIXELS = env_int("FOLIO_MAX_IMAGE_PIXELS", 40_000_000)
FOLIO_MAX_PDF_BYTES = env_int("FOLIO_MAX_PDF_BYTES", 50 * 1024 * 1024)
# An animation is stored as its first frame; these bound the time spent checking
# the rest (50 megapixels of APNG decode in under 5 seconds).
FOLIO_MAX_IMAGE_FRAMES = env_int("FOLIO_MAX_IMAGE_FRAMES", 300)
FOLIO_MAX_ANIMATION_PIXELS = env_int("FOLIO_MAX_ANIMATION_PIXELS", 50_000_000)
# Imports (publications.imports): the file, its rows (blank ones too), one
# cell, and what a workbook may unpack to; 10,000 rows with long bodies fit.
FOLIO_IMPORT_MAX_BYTES = env_int("FOLIO_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
FOLIO_IMPORT_MAX_ROWS = env_int("FOLIO_IMPORT_MAX_ROWS", 50_000)
FOLIO_IMPORT_MAX_CELL_CHARACTERS = env_int("FOLIO_IMPORT_MAX_CELL_CHARACTERS", 100_000)
FOLIO_IMPORT_MAX_UNZIPPED_BYTES = env_int(
    "FOLIO_IMPORT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024
)

# The institute as the generated report PDFs name it: on the cover and the
# last page. The address is one line per line, separated by "|".
FOLIO_INSTITUTE_NAME = os.environ.get("FOLIO_INSTITUTE_NAME", "") or FOLIO_SITE_NAME
FOLIO_INSTITUTE_ADDRESS = [
    line.strip()
    for line in os.environ.get(
        "FOLIO_INSTITUTE_ADDRESS", "1200 Example Avenue NW|Washington, DC 20037"
    ).split("|")
    if line.strip()
]
# A PDF generation is tried this many times before it is marked failed.
FOLIO_PDF_ATTEMPTS = env_int("FOLIO_PDF_ATTEMPTS", 3)
# A worker generating a PDF says so this often; a job silent for three
# times as long was left by a worker that stopped, and is queued again.
FOLIO_PDF_HEARTBEAT_SECONDS = env_int("FOLIO_PDF_HEARTBEAT_SECONDS", 10)

# Open data: the JSON API and OAI-PMH (opendata). Requests a minute from one
# client address to either; 0 lifts the limit.
FOLIO_OPEN_DATA_REQUESTS_PER_MINUTE = env_int(
    "FOLIO_OPEN_DATA_REQUESTS_PER_MINUTE", 120
)
# Records in one OAI-PMH ListRecords or ListIdentifiers answer.
FOLIO_OAI_PAGE_SIZE = env_int("FOLIO_OAI_PAGE_SIZE", 100)
# The address OAI-PMH harvesters are given to write to.
FOLIO_OAI_ADMIN_EMAIL = os.environ.get("FOLIO_OAI_ADMIN_EMAIL", "webmaster@example.org")
