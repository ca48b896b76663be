"""The API docs render in Chromium under the site's CSP, with nothing from afar."""

import pytest

from tests.chromium import ARTIFACTS, launched_chromium, missing_browser
from tests.factories import make_report

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in the page before its own scripts: collect CSP violations.
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`
    );
});
"""


def test_swagger_ui_renders_every_operation_without_csp_violations(live_server):
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    make_report(slug="rivers")
    requested = []
    with launched_chromium() as chromium:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(_WATCH_CSP)
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        response = page.goto(f"{live_server.url}/api/v1/docs/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector(".opblock-summary-path", timeout=15_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        violations = page.evaluate("window.__cspViolations")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "api-docs.png", full_page=True)
        context.close()
    assert {path.replace("\u200b", "") for path in paths} == {
        "/api/v1/publications/",
        "/api/v1/publications/{slug}/",
        "/api/v1/authors/",
        "/api/v1/series/",
        "/api/v1/topics/",
    }
    assert violations == []
    assert all(url.startswith((live_server.url, "data:")) for url in requested)
