"""Time each middleware of Folio's stack on the benchmark's minimal view.

    python bench/middleware.py [--requests 3000] [--rounds 5]

In one process, without a server or a network: the production stack serves
/bench/minimal/25000/ through Django's WSGI handler, once whole, once
without each middleware in turn, and once with startproject's stack. The
variants are interleaved round by round, so a busy machine slows them all
alike; the median microseconds per request of each are printed, with what
leaving each middleware out saves.
"""

import argparse
import io
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

# What `django-admin startproject` writes (Django 6.1).
STARTPROJECT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
PATH = "/bench/minimal/25000/"
# What core.middleware's classes replace.
DJANGO_CLASSES = {
    "core.middleware.CachedPolicyCSPMiddleware": (
        "django.middleware.csp.ContentSecurityPolicyMiddleware"
    ),
    "core.middleware.ChecksumConditionalGetMiddleware": (
        "django.middleware.http.ConditionalGetMiddleware"
    ),
    "core.middleware.LazyMessageMiddleware": (
        "django.contrib.messages.middleware.MessageMiddleware"
    ),
}
# Left out with sessions: what needs them (authentication, messages, axes).
NEED_SESSIONS = ("Authentication", "Message", "Axes")


def environ():
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": PATH,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "wrk",
        "wsgi.url_scheme": "http",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def handler_for(middleware):
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()


def time_handler(handler, requests):
    """Return microseconds per request of *requests* GETs of PATH."""

    def start_response(status, headers):
        assert status.startswith("200"), status

    started = time.perf_counter()
    for _ in range(requests):
        response = handler(environ(), start_response)
        b"".join(response)
        response.close()
    return (time.perf_counter() - started) / requests * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("FOLIO_SITE_URL", "http://127.0.0.1")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("FOLIO_PAGE_CACHE_SECONDS", "0")
    import django

    django.setup()
    from django.conf import settings

    stack = list(settings.MIDDLEWARE)
    variants = {
        "Folio's stack": stack,
        "Folio's stack, Django's own classes": [
            DJANGO_CLASSES.get(name, name) for name in stack
        ],
        "startproject's stack": STARTPROJECT_MIDDLEWARE,
    }
    for name in stack:
        names = (name,)
        if name.endswith(".SessionMiddleware"):
            names = tuple(
                other for other in stack if any(word in other for word in NEED_SESSIONS)
            )
            names = (name, *names)
        label = ", ".join(name.rsplit(".", 1)[-1] for name in names)
        variants[f"without {label}"] = [name for name in stack if name not in names]
    variants["no middleware"] = []
    handlers = {name: handler_for(middleware) for name, middleware in variants.items()}
    times = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, handler in handlers.items():
            time_handler(handler, 100)  # warm
            times[name].append(time_handler(handler, args.requests))
    whole = statistics.median(times["Folio's stack"])
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Median of {args.rounds} interleaved rounds; load average {load}.")
    print(f"{'variant':<44} {'us/request':>10} {'saves':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<44} {median:>10.0f} {whole - median:>8.0f}")


if __name__ == "__main__":
    main()
