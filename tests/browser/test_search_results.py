"""The search results page in Chromium, wide and narrow, saved as screenshots."""

from urllib.parse import parse_qs, urlsplit

from tests.browser.content import make_filled_site


def test_results_page_shows_the_query_and_marks_and_sorts_without_script(
    browser, live_server, artifacts
):
    make_filled_site()
    for width in (1280, 390):
        # No JavaScript at all: the header box, the marks and the sort links
        # are plain HTML.
        context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=False
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/publications/?q=local+mediation")

        heading = page.inner_text("h1")
        assert heading.endswith("for “local mediation”"), heading
        assert page.title().startswith(heading)
        assert page.input_value("#site-search") == "local mediation"
        assert page.locator(".card-title mark").count() >= 1
        page.screenshot(path=artifacts / f"search-{width}.png", full_page=True)

        page.click("text=Newest first")
        assert parse_qs(urlsplit(page.url).query) == {
            "q": ["local mediation"],
            "sort": ["date"],
        }
        assert page.get_attribute("text=Newest first", "aria-current") == "true"
        context.close()
