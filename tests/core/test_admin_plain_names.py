"""The admin names topics and login security in plain words."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.admin_pages import logged_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    return logged_in(make_user(is_superuser=True))


def test_index_says_topics_and_security(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    for name in ("Topics", "Security", "Failed login counters", "Failed logins"):
        assert f">{name}<" in html, name
    for jargon in ("Taggit", ">Tags<", ">Axes<", "Access attempts", "Access logs"):
        assert jargon not in html, jargon


def test_topic_pages_keep_their_addresses_and_use_the_plain_name(admin_client):
    response = admin_client.get(reverse("admin:taggit_tag_changelist"))

    assert response.status_code == 200
    assert "Select topic to change" in response.content.decode()
    assert reverse("admin:taggit_tag_changelist") == "/admin/taggit/tag/"


def test_security_pages_keep_their_addresses(admin_client):
    response = admin_client.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 200
    assert "Select failed login counter to change" in response.content.decode()


def test_renaming_needs_no_migration_in_the_third_party_apps():
    out = io.StringIO()
    call_command(
        "makemigrations", "taggit", "axes", check=True, dry_run=True, stdout=out
    )
    assert "No changes detected" in out.getvalue()
