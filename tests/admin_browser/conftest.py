"""One Chromium, one live server and one filled site for the admin's browser tests.

The usual ``live_server`` fixture makes every test transactional, flushing
the data after it; the admin pages here only read, so the package builds its
site once, serves it from its own server and flushes when it is done.
"""

import importlib

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from publications.roles import ROLES
from tests import chromium
from tests.browser.content import make_filled_site
from tests.chromium import ARTIFACTS
from tests.factories import ensure_group, make_user

# Chromium, started once for this package.
browser = chromium.browser


def _restore_defaults():
    # What tests/conftest.py's django_db_setup restores after a flush.
    from publications.models import PublicationType

    data_migration = importlib.import_module(
        "publications.migrations.0002_roles_and_types"
    )
    for name in ROLES:
        ensure_group(name)
    for position, (name, slug, kind) in enumerate(data_migration.DEFAULT_TYPES):
        PublicationType.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "position": position}
        )


@pytest.fixture(scope="package")
def admin_site(browser, django_db_blocker):
    """Serve a filled site; yield its URL, its items and an editor's session."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        items = make_filled_site()
        editor = make_user(username="editor", is_superuser=True)
        client = Client()
        client.force_login(editor)
        server = LiveServer("localhost")
        try:
            yield {
                "url": server.url,
                "items": items,
                "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            _restore_defaults()


@pytest.fixture(scope="package")
def editor_context(browser, admin_site):
    """Return a browser context logged in as an editor, shared by the package.

    axe is injected into the pages, which Folio's Content-Security-Policy
    would refuse.
    """
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": admin_site["session"],
                "url": admin_site["url"],
            }
        ]
    )
    yield context
    context.close()


@pytest.fixture
def page(editor_context):
    """Return a fresh page at 1280 px in the editor's context."""
    page = editor_context.new_page()
    page.set_default_timeout(10_000)
    yield page
    page.close()


@pytest.fixture
def artifacts():
    """Return the folder for screenshots (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
