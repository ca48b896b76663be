"""Headless Chromium through Playwright, one browser for all browser tests."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _missing_browser():
    """Return why the browser tests cannot run here, or None."""
    if not os.path.exists(CHROMIUM):
        return (
            f"browser tests skipped: no Chromium at {CHROMIUM} "
            "(install Debian's chromium package)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return (
            "browser tests skipped: Playwright for Python is not installed "
            '(pip install -e ".[dev]")'
        )
    return None


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """Start Chromium once for this package; stop it before other tests run."""
    reason = _missing_browser()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which
    # Django takes for an async context; the database calls stay synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


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
