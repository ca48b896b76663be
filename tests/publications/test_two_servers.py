"""Two app servers sharing PostgreSQL and Redis see each other's publishing."""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from publications.models import Publication
from tests.caches import redis_url
from tests.factories import make_report
from tests.subprocesses import PROJECT_DIR, production_env

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="app servers share a database only on PostgreSQL (CI runs it)",
    ),
]

GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn process with production settings, and a cookie-keeping client."""

    def __init__(self, env):
        self.port = free_port()
        self.cookies = {}
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=PROJECT_DIR,
            env=env,
            start_new_session=True,
        )

    def wait_until_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn on port {self.port} did not start")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=15)

    def request(self, method, path, form=None):
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            # TLS ends at the proxy in production; say so, as the proxy does.
            "X-Forwarded-Proto": "https",
            "Referer": origin + path,
            "Origin": origin,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, content
        finally:
            conn.close()

    def log_in(self, username, password):
        self.request("GET", "/admin/login/")
        status, _ = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "username": username,
                "password": password,
                "next": "/admin/",
            },
        )
        assert status == 302, "login failed"

    def run_action(self, action, publication):
        path = "/admin/publications/report/"
        status, _ = self.request(
            "POST",
            path,
            {
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "action": action,
                "_selected_action": str(publication.pk),
                "index": "0",
            },
        )
        assert status == 302, f"{action} failed with {status}"


@pytest.fixture(params=["redis", "database cache"])
def servers(request, tmp_path, django_user_model):
    """Two app servers sharing PostgreSQL, with Redis and then without it."""
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    env = {
        **os.environ,
        **production_env(
            DATABASE_URL=database_url,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
            FOLIO_PAGE_CACHE_SECONDS="3600",
        ),
    }
    env.pop("REDIS_URL", None)
    if request.param == "redis":
        env["REDIS_URL"] = redis_url(8)
        redis.Redis.from_url(redis_url(8)).flushdb()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
    )
    # The servers run production settings, whose hashers don't include the
    # fast test hasher.
    chief = django_user_model.objects.create_superuser("chief")
    chief.password = PBKDF2PasswordHasher().encode("a-long-password", "folio-salt")
    chief.save()
    first, second = Server(env), Server(env)
    try:
        first.wait_until_up()
        second.wait_until_up()
        yield first, second
    finally:
        for server in (first, second):
            server.stop()
        shutil.rmtree(tmp_path / "static", ignore_errors=True)


def listed_titles(content):
    return re.findall(r'class="card-title"><a [^>]*>([^<]+)</a>', content)


def test_publishing_on_one_server_shows_on_the_other_at_once(servers):
    first, second = servers
    make_report(title="Already out")
    draft = make_report(title="Breaking report", published=False)
    for server in (first, second):
        server.request("GET", "/publications/")  # both now hold a cached page
    assert "Breaking report" not in listed_titles(
        second.request("GET", "/publications/")[1]
    )

    first.log_in("chief", "a-long-password")
    first.run_action("publish_now", draft)
    assert Publication.objects.get(pk=draft.pk).is_live()
    status, content = second.request("GET", "/publications/")
    assert status == 200
    assert "Breaking report" in listed_titles(content)

    second.log_in("chief", "a-long-password")
    second.run_action("unpublish", draft)
    status, content = first.request("GET", "/publications/")
    assert status == 200
    assert "Breaking report" not in listed_titles(content)
    assert "Already out" in listed_titles(content)
