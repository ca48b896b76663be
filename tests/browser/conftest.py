"""Headless Chromium through Playwright, one browser for all browser tests."""

import pytest

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
