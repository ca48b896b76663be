"""One headless Chromium for the security browser tests, and pages that log.

Every page records what a stored script would leave behind: dialogs, console
messages, uncaught errors and Content-Security-Policy violations (which mean
markup got into a page even though the policy stopped it).
"""

import pytest
from django.conf import settings
from django.test import Client

from tests import chromium
from tests.chromium import ARTIFACTS
from tests.security.browser import PageLog

# Runs in every page before its own scripts: collect CSP violations.
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`
    );
});
"""

# Chromium, started once for this package.
browser = chromium.browser


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
