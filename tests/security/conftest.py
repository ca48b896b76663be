"""One headless Chromium for the security browser tests, and pages that log.

Every page records what a stored script would leave behind: dialogs, console
messages, uncaught errors and Content-Security-Policy violations (which mean
markup got into a page even though the policy stopped it).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.security.browser import PageLog

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Runs in every page before its own scripts: collect CSP violations.
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`
    );
});
"""


def _missing_browser():
    """Return why the browser tests cannot run here, or None."""
    if not os.path.exists(CHROMIUM):
        return (
            f"security browser tests skipped: no Chromium at {CHROMIUM} "
            "(install Debian's chromium package)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return (
            "security browser tests skipped: Playwright for Python is not "
            'installed (pip install -e ".[dev]")'
        )
    return None


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """Start Chromium once for this package."""
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
def open_page(browser, live_server):
    """Return open_page(user=None) -> (page, log), each in its own context.

    A user gets a logged-in session of their own, as a second person at a
    second computer would.
    """
    contexts = []

    def _open(user=None):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": cookie,
                        "url": live_server.url,
                    }
                ]
            )
        context.add_init_script(_WATCH_CSP)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log = PageLog()
        page.on("console", lambda message: log.console.append(message.text))
        page.on("pageerror", lambda error: log.errors.append(str(error)))

        def _dialog(dialog):
            log.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", _dialog)
        return page, log

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def artifacts():
    """Return the folder for screenshots (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
