"""Admin login throttling with django-axes."""

import logging

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


def attempt(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.9",
    )


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
