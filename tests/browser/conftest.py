"""Headless Chromium through Playwright, one browser for all browser tests."""

import pytest
from django.conf import settings
from django.test import Client

from tests import chromium
from tests.chromium import ARTIFACTS

# Chromium, started once for this package.
browser = chromium.browser


@pytest.fixture
def page(browser, live_server):
    """Return a fresh page at 1280 px that fails the test on outside requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside = []
    context.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:"))
            else outside.append(request.url)
        ),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert outside == [], f"the page fetched from outside the site: {outside}"


@pytest.fixture
def artifacts():
    """Return the folder for screenshots (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def open_page(browser, live_server):
    """Return open_page(user): a 1280 px page logged in as *user*."""
    contexts = []

    def _open(user):
        client = Client()
        client.force_login(user)
        # axe is injected into the page, which the site's CSP would refuse.
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        contexts.append(context)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield _open
    for context in contexts:
        context.close()
