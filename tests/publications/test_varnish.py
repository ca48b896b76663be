"""Varnish in front of gunicorn: public pages cached, purged exactly on change.

One varnishd (deploy/varnish/folio.vcl), one gunicorn and one purger serve
the module; tests publish through the admin or the models and read every
page back through Varnish.
"""

import http.client
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

from publications.models import Publication, PurgeRequest, Report
from tests.factories import make_author, make_report, make_series, make_user
from tests.subprocesses import PROJECT_DIR

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
XKEY = Path("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so")
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="gunicorn shares the test database only on PostgreSQL (CI runs it)",
    ),
    pytest.mark.skipif(
        not os.access(VARNISHD, os.X_OK),
        reason="varnishd is not installed (apt-get install varnish varnish-modules)",
    ),
]


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


class Stack:
    """varnishd on a free port in front of gunicorn, and a purger."""

    def __init__(self, folder):
        self.folder = folder
        self.port, self.app_port = free_port(), free_port()
        self.processes = []
        settings_dict = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": (
                f"postgres://{settings_dict['USER']}@"
                f"{settings_dict['HOST'] or '127.0.0.1'}:"
                f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
            ),
            "FOLIO_SITE_URL": f"http://127.0.0.1:{self.port}",
            "FOLIO_PURGE_BACKEND": "varnish",
            "FOLIO_VARNISH_URLS": f"http://127.0.0.1:{self.port}",
            "FOLIO_HTTP_CACHE_SECONDS": "300",
        }
        self.env.pop("REDIS_URL", None)

    def start(self):
        site_vcl = self.folder / "folio-site.vcl"
        call_command(
            "write_varnish_site",
            f"--backend=127.0.0.1:{self.app_port}",
            f"--site-host=127.0.0.1:{self.port}",
            f"--output={site_vcl}",
            verbosity=0,
        )
        self._run(
            [GUNICORN, "config.wsgi", "--bind", f"127.0.0.1:{self.app_port}"]
            + ["--workers", "2", "--log-level", "warning"]
        )
        self._run([sys.executable, "manage.py", "run_purger", "--poll", "0.2"])
        self._run(
            [
                VARNISHD,
                "-F",
                "-j",
                "none",
                "-T",
                "none",
                "-n",
                str(self.folder / "varnish"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-p",
                f"vcl_path={self.folder}:{PROJECT_DIR / 'deploy' / 'varnish'}",
                "-f",
                str(PROJECT_DIR / "deploy" / "varnish" / "folio.vcl"),
                "-s",
                "malloc,32m",
            ]  # fmt: skip
        )
        _wait(lambda: self.get("/healthz")[0] == 200, 60, "Varnish and gunicorn")

    def _run(self, command):
        self.processes.append(
            subprocess.Popen(
                [str(part) for part in command],
                cwd=PROJECT_DIR,
                env=self.env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
            )
        )

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def request(self, method, path, *, headers=None, body=None, source="127.0.0.1"):
        """Return (status, headers, text) of a request through Varnish."""
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=20, source_address=(source, 0)
        )
        try:
            conn.request(
                method,
                path,
                body=body,
                headers={"Host": f"127.0.0.1:{self.port}", **(headers or {})},
            )
            response = conn.getresponse()
            return response.status, response, response.read().decode()
        finally:
            conn.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    folder = Path(tempfile.mkdtemp(prefix="folio-varnish-"))
    if not XKEY.exists():
        pytest.skip(f"the xkey vmod is missing ({XKEY}): install varnish-modules")
    stack = Stack(folder)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module", autouse=True)
def flush_beside_the_stack():
    """Retry the flush that ends each test when PostgreSQL breaks a deadlock.

    The flush truncates every table while the stack's gunicorn and purger
    may be inside a short transaction of their own (a drain after a
    response, a purge poll); PostgreSQL then refuses one of the two, and it
    may be the TRUNCATE. Done again, it waits for the other.
    """
    operations = type(connection.ops)
    flush = operations.execute_sql_flush

    def retrying(self, sql_list):
        for attempt in range(5):
            try:
                return flush(self, sql_list)
            except OperationalError:
                if attempt == 4:
                    raise
                time.sleep(0.2)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "execute_sql_flush", retrying)
        yield


@pytest.fixture
def site(stack, settings):
    """The stack, with this process purging it as the app servers do."""
    settings.FOLIO_PURGE_BACKEND = "varnish"
    settings.FOLIO_VARNISH_URLS = [f"http://127.0.0.1:{stack.port}"]
    settings.FOLIO_PURGE_REPEAT_SECONDS = 0
    return stack


class Staff:
    """A signed-in editor's cookies, sent through Varnish."""

    def __init__(self, stack):
        self.stack = stack
        self.cookies = {}
        make_user(username="chief", password="a-long-password", is_superuser=True)
        self.get("/admin/login/")
        status = self.post(
            "/admin/login/?next=/admin/",
            {"username": "chief", "password": "a-long-password", "next": "/admin/"},
        )
        assert status == 302, "login failed"

    def _headers(self):
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _keep(self, response):
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]

    def get(self, path):
        status, response, text = self.stack.get(path, headers=self._headers())
        self._keep(response)
        return status, response, text

    def post(self, path, form):
        origin = f"http://127.0.0.1:{self.stack.port}"
        form = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **form}
        status, response, _ = self.stack.request(
            "POST",
            path,
            body=urlencode(form),
            headers={
                **self._headers(),
                "Origin": origin,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        self._keep(response)
        return status

    def run_action(self, action, publication):
        status = self.post(
            "/admin/publications/report/",
            {"action": action, "_selected_action": str(publication.pk), "index": "0"},
        )
        assert status == 302, f"{action} failed with {status}"


def _shows(stack, path, title):
    status, _, text = stack.get(path)
    return status == 200 and title in text


def _explain(stack, path):
    """Say where a page came from, for a failure message."""
    status, response, _ = stack.get(path)
    headers = {k: v for k, v in response.getheaders() if k.startswith(("X-", "Age"))}
    headers["Cache-Control"] = response.getheader("Cache-Control")
    rows = list(PurgeRequest.objects.values_list("keys", "publication_id", "due_at"))
    return f"{status} {headers} queue {rows} at {timezone.now()}"


def _within(seconds, check):
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def _pages_of(report, author, series):
    topic = report.tags.get()
    return [
        report.get_absolute_url(),
        "/publications/",
        "/feeds/publications/",
        f"/topics/{topic.slug}/",
        author.get_absolute_url(),
        series.get_absolute_url(),
    ]


def test_publishing_and_unpublishing_in_the_admin_show_through_varnish_within_1_s(
    site,
):
    author, series = make_author(), make_series()
    make_report(title="Already out", authors=[author], series=series)
    title = "Breaking report"
    report = make_report(title=title, authors=[author], series=series, published=False)
    pages = _pages_of(report, author, series)
    for path in pages:  # cached without it, where a page exists
        site.get(path)
    status, response, _ = site.get("/publications/")
    assert response.getheader("X-Varnish-Cache") == "hit"
    assert "xkey" not in {name.lower() for name, _ in response.getheaders()}

    staff = Staff(site)
    with ThreadPoolExecutor(len(pages)) as pool:
        # The purge is sent when the change commits, before the admin
        # answers: every page read right after (well within 1 s) is fresh.
        staff.run_action("publish_now", report)
        sent_at = time.monotonic()
        shown = list(pool.map(lambda path: _shows(site, path, title), pages))
        assert time.monotonic() - sent_at < 5
        assert dict(zip(pages, shown, strict=True)) == dict.fromkeys(pages, True)

        staff.run_action("unpublish", report)
        shown = list(pool.map(lambda path: _shows(site, path, title), pages))
        assert dict(zip(pages, shown, strict=True)) == dict.fromkeys(pages, False)
    assert _shows(site, "/publications/", "Already out")


def test_staff_cookies_bypass_varnish_and_are_never_stored(site):
    report = make_report(title="Embargoed", published=False)
    path = report.get_absolute_url()
    assert site.get(path)[0] == 404
    staff = Staff(site)
    status, response, text = staff.get(path)
    assert status == 200 and "Embargoed" in text  # a preview
    assert response.getheader("X-Varnish-Cache") == "pass"
    assert site.get(path)[0] == 404
    # A csrftoken is no session: the reader gets the public page.
    site.get("/publications/")
    cookie = {"Cookie": f"csrftoken={staff.cookies['csrftoken']}"}
    _, response, text = site.get("/publications/", headers=cookie)
    assert response.getheader("X-Varnish-Cache") == "hit"
    assert "Embargoed" not in text


def test_varnish_refuses_other_hosts_outside_purgers_and_unread_parameters(site):
    make_report(title="Only one")
    site.get("/publications/")
    _, response, _ = site.get("/publications/?utm_source=x&fbclid=y")
    assert response.getheader("X-Varnish-Cache") == "hit"
    assert site.get("/publications/", headers={"Host": "evil.example"})[0] == 400
    purge = {"xkey": "listing"}
    assert site.request("PURGE", "/", headers=purge, source="127.0.0.2")[0] == 403
    assert site.get("/publications/")[1].getheader("X-Varnish-Cache") == "hit"
    assert site.request("PURGE", "/", headers=purge)[0] == 200
    assert site.get("/publications/")[1].getheader("X-Varnish-Cache") == "miss"


def test_a_scheduled_item_comes_and_goes_through_varnish_with_no_save(site):
    soon = timezone.now() + timedelta(seconds=5)
    coming = make_report(title="Scheduled arrival", publish_at=soon)
    leaving = make_report(title="Timed departure", unpublish_at=soon)
    assert _shows(site, "/publications/", "Timed departure")
    assert not _shows(site, "/publications/", "Scheduled arrival")
    assert _within(60, lambda: _shows(site, "/publications/", "Scheduled arrival")), (
        _explain(site, "/publications/")
    )
    assert _within(60, lambda: not _shows(site, "/publications/", "Timed departure"))
    assert _within(5, lambda: not PurgeRequest.objects.exists())  # the purger sent them
    assert not _shows(site, leaving.get_absolute_url(), "Timed departure")
    assert _shows(site, coming.get_absolute_url(), "Scheduled arrival")


def test_no_stale_read_in_200_mixed_changes_read_back_through_varnish(site):
    rng = random.Random(20261201)
    author, series = make_author(), make_series()
    reports = [
        make_report(title=f"Item {n} v0", authors=[author], series=series)
        for n in range(4)
    ]
    topic = reports[0].tags.get()
    for report in reports[1:]:  # so that the topic's page lists them all
        report.tags.add(topic)
    lists = ["/publications/", "/feeds/publications/", author.get_absolute_url()]
    lists += [series.get_absolute_url(), f"/topics/{topic.slug}/"]
    for path in lists:
        site.get(path)
    stale = []
    for step in range(200):
        report = Report.objects.get(pk=rng.choice(reports).pk)
        operation = rng.choice(["publish", "unpublish", "edit"])
        if operation == "publish":
            report.status = Publication.Status.PUBLISHED
        elif operation == "unpublish":
            report.status = Publication.Status.DRAFT
        else:
            report.title = re.sub(r"v\d+$", f"v{step + 1}", report.title)
        report.save()
        # Read back the item's page or, in turn, one of the lists: each was
        # stored by Varnish at an earlier step.
        if step % 2 == 0:
            status, _, text = site.get(report.get_absolute_url())
            if (status == 200 and report.title in text) != report.is_live():
                stale.append((step, operation, report.get_absolute_url()))
            continue
        path = lists[step // 2 % len(lists)]
        _, _, text = site.get(path)
        for other in Report.objects.filter(pk__in=[r.pk for r in reports]):
            if (other.title in text) != other.is_live():
                stale.append((step, operation, path, other.title))
    assert stale == []
