"""No cache failure, at any moment of a save, brings withdrawn content back.

A TCP relay stands between Folio and a real Redis and is cut at each step of
an editor's save; a second Redis refuses every write (maxmemory with
noeviction). Once the save has committed, no reader gets the old page.
"""

import pytest
import redis
from django.core.cache import cache
from django.db import transaction

from publications.models import Publication
from tests.caches import redis_cache_settings, redis_port, start_redis
from tests.factories import make_report, make_user
from tests.relay import Relay

# The saves here commit, as an editor's do.
pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ("/publications/", "/feeds/publications/", "/topics/water/", "/")


@pytest.fixture
def relay(settings):
    if redis_port() is None:
        pytest.skip("no redis-server to start a test Redis from")
    relay = Relay(redis_port())
    settings.CACHES = redis_cache_settings(
        f"redis://127.0.0.1:{relay.port}/6",
        socket_connect_timeout=0.3,
        socket_timeout=0.3,
    )
    cache.clear()
    yield relay
    relay.restore()
    cache.clear()
    relay.close()


def make_site():
    """Return the report to withdraw; another keeps its topic page public."""
    make_report(title="Other report", tags=["Water"])
    return make_report(title="Withdrawn report", tags=["Water"])


def read_everything(client, report):
    """Return {path: page} of the report's page and the pages listing it."""
    pages = {}
    for path in (report.get_absolute_url(), *PAGES):
        response = client.get(path)
        pages[path] = (response.status_code, response.content.decode())
    return pages


def warm(client, report):
    read_everything(client, report)
    for path in (report.get_absolute_url(), *PAGES):
        assert client.get(path)["X-Cache"] == "hit", path


def assert_withdrawn(client, report):
    for path, (status, content) in read_everything(client, report).items():
        if path == report.get_absolute_url():
            assert status == 404
        else:
            assert status == 200, path
            assert "Withdrawn report" not in content, path


def unpublish(report):
    report.status = Publication.Status.DRAFT
    report.save()


@pytest.mark.parametrize(
    "cut_at", ["before the save", "inside the transaction", "after the commit"]
)
@pytest.mark.parametrize("restore_at", ["before the next read", "never"])
def test_a_withdrawn_report_never_comes_back_whenever_redis_is_cut(
    client, relay, cut_at, restore_at
):
    report = make_site()
    warm(client, report)

    if cut_at == "before the save":
        relay.cut()
    with transaction.atomic():
        if cut_at == "inside the transaction":
            report.title = "Withdrawn report"
            report.save()
            relay.cut()
        unpublish(report)
    if cut_at == "after the commit":
        relay.cut()
    if restore_at == "before the next read":
        relay.restore()

    assert_withdrawn(client, report)
    relay.restore()
    assert_withdrawn(client, report)


def test_the_editors_unpublish_action_holds_through_an_outage(client, relay):
    report = make_site()
    warm(client, report)
    editor = make_user(role="Editors")

    relay.cut()
    client.force_login(editor)
    response = client.post(
        "/admin/publications/report/",
        {"action": "unpublish", "_selected_action": [report.pk], "index": 0},
    )
    assert response.status_code == 302
    client.logout()
    relay.restore()

    assert not Publication.objects.get(pk=report.pk).is_live()
    assert_withdrawn(client, report)


def test_a_redis_restarted_with_old_entries_serves_none_of_them(client, relay):
    report = make_site()
    warm(client, report)
    stored = redis.Redis(port=redis_port(), db=6)
    snapshot = {key: stored.dump(key) for key in stored.scan_iter()}

    unpublish(report)
    # Redis comes back from a snapshot taken before the save.
    stored.flushdb()
    for key, value in snapshot.items():
        stored.restore(key, 0, value)

    assert_withdrawn(client, report)


def test_a_redis_that_refuses_writes_serves_nothing_stale(client, settings):
    port = start_redis("--maxmemory", "2mb", "--maxmemory-policy", "noeviction")
    if port is None:
        pytest.skip("no redis-server to start a test Redis from")
    settings.CACHES = redis_cache_settings(f"redis://127.0.0.1:{port}/0")
    report = make_site()
    warm(client, report)
    # Fill Redis to its limit: from now on it answers reads, refuses writes.
    filler = redis.Redis(port=port)
    with pytest.raises(redis.exceptions.ResponseError, match="maxmemory"):
        for n in range(10_000):
            filler.set(f"filler:{n}", "x" * 10_000)

    unpublish(report)

    assert_withdrawn(client, report)
