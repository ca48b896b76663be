"""Admin login throttling with django-axes."""

import logging

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_user
from tests.subprocesses import run_python

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


def attempt(client, username, password, *, remote_addr="203.0.113.9", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=remote_addr,
        headers=headers,
    )


PROXY = "10.0.0.2"
ATTACKER = "203.0.113.66"
EDITOR = "198.51.100.7"


def test_sixth_attempt_is_refused_even_with_right_password_and_logged(client, caplog):
    make_user(username="editor", password="right-password")
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(5):
            attempt(client, "editor", "wrong-password")
        response = attempt(client, "editor", "right-password")
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session
    lockouts = [r for r in caplog.records if "Locking out" in r.getMessage()]
    assert lockouts, "the lockout is logged"
    assert AccessAttempt.objects.get().failures_since_start >= 5


def test_four_failures_then_right_password_logs_in(client):
    make_user(username="editor", password="right-password")
    for _ in range(4):
        attempt(client, "editor", "wrong-password")
    response = attempt(client, "editor", "right-password")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_lockout_of_one_username_leaves_other_users_free(client):
    make_user(username="victim", password="pw-victim")
    make_user(username="other", password="pw-other")
    for _ in range(6):
        attempt(client, "victim", "wrong")
    response = attempt(client, "other", "pw-other")
    assert response.status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_failure_limit_is_configurable(client):
    make_user(username="editor", password="right-password")
    attempt(client, "editor", "wrong")
    attempt(client, "editor", "wrong")
    assert attempt(client, "editor", "right-password").status_code == 429


@override_settings(FOLIO_PROXY_COUNT=1)
def test_behind_a_proxy_one_clients_failures_leave_another_client_free(client):
    make_user(username="editor", password="right-password")
    for _ in range(6):
        attempt(client, "editor", "wrong", remote_addr=PROXY, x_forwarded_for=ATTACKER)

    response = attempt(
        client, "editor", "right-password", remote_addr=PROXY, x_forwarded_for=EDITOR
    )

    assert response.status_code == 302
    assert AccessAttempt.objects.get().ip_address == ATTACKER


@override_settings(FOLIO_PROXY_COUNT=1)
def test_behind_a_proxy_forged_forwarded_entries_do_not_escape_the_lockout(client):
    make_user(username="editor", password="right-password")
    forged = ["192.0.2.1", "unknown", "::1", "192.0.2.7, 192.0.2.8", ""]
    for entry in forged:
        attempt(
            client,
            "editor",
            "wrong",
            remote_addr=PROXY,
            # The proxy appends the address it saw after whatever was sent.
            x_forwarded_for=f"{entry}, {ATTACKER}",
        )

    response = attempt(
        client,
        "editor",
        "right-password",
        remote_addr=PROXY,
        x_forwarded_for=f"{EDITOR}, {ATTACKER}",
    )

    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == ATTACKER


@override_settings(FOLIO_PROXY_COUNT=2)
def test_behind_two_proxies_the_address_the_outer_proxy_saw_counts(client):
    make_user(username="editor", password="right-password")
    for number in range(5):
        attempt(
            client,
            "editor",
            "wrong",
            remote_addr="10.0.0.3",
            x_forwarded_for=f"192.0.2.{number}, {ATTACKER}, {PROXY}",
        )

    locked = attempt(
        client,
        "editor",
        "right-password",
        remote_addr="10.0.0.3",
        x_forwarded_for=f"{ATTACKER}, {PROXY}",
    )
    free = attempt(
        client,
        "editor",
        "right-password",
        remote_addr="10.0.0.3",
        x_forwarded_for=f"{EDITOR}, {PROXY}",
    )

    assert locked.status_code == 429
    assert free.status_code == 302


def test_without_a_proxy_count_forwarded_for_is_ignored(client):
    make_user(username="editor", password="right-password")
    for number in range(5):
        attempt(
            client,
            "editor",
            "wrong",
            remote_addr=ATTACKER,
            x_forwarded_for=f"192.0.2.{number}",
        )

    response = attempt(
        client,
        "editor",
        "right-password",
        remote_addr=ATTACKER,
        x_forwarded_for=EDITOR,
    )

    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == ATTACKER


CLIENT_ADDRESS = """
import django
django.setup()
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

request = RequestFactory().post(
    "/admin/login/",
    REMOTE_ADDR="10.0.0.2",
    HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.66",
)
print(get_client_ip_address(request))
"""


@pytest.mark.parametrize(
    ("proxy_count", "address"), [("", "10.0.0.2"), ("1", "203.0.113.66")]
)
def test_the_proxy_count_environment_variable_reaches_login_throttling(
    proxy_count, address
):
    result = run_python(
        CLIENT_ADDRESS,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DJANGO_AXES_PROXY_COUNT=proxy_count,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == address
