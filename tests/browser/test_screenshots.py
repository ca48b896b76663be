"""Screenshots of a well-filled report page and the listing, wide and narrow."""

from tests.browser.content import make_filled_site

PAGES = {
    "report": "/publications/mediating-local-conflicts/",
    "listing": "/publications/",
    "home": "/",
}


def _all_images_load(page):
    """Load lazy images too, and return True if every image decodes."""
    return page.evaluate(
        """() => Promise.all([...document.images].map(image => {
            image.loading = "eager";
            return image.decode().then(() => image.naturalWidth > 0, () => false);
        })).then(loaded => loaded.every(Boolean))"""
    )


def _scrolls_sideways(page):
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def test_pages_fit_from_360_px_to_wide_and_are_saved_as_screenshots(
    page, live_server, artifacts
):
    make_filled_site()
    for width in (1280, 390, 360):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in PAGES.items():
            page.goto(live_server.url + path)
            # The project's stylesheet loaded: the masthead has its colour.
            assert (
                page.eval_on_selector(
                    ".masthead", "el => getComputedStyle(el).backgroundColor"
                )
                == "rgb(12, 45, 72)"
            )
            assert not _scrolls_sideways(page), f"{name} scrolls sideways at {width}"
            assert _all_images_load(page), f"{name}: an image did not load at {width}"
            if width != 360:
                page.screenshot(path=artifacts / f"{name}-{width}.png", full_page=True)


def test_report_prints_without_navigation(page, live_server):
    make_filled_site()
    page.goto(live_server.url + PAGES["report"])
    page.emulate_media(media="print")

    for hidden in (".site-nav", ".site-search", ".site-footer", ".toc"):
        assert not page.locator(hidden).is_visible(), hidden
    for shown in ("h1", "#summary", "#about-report", "#about-authors"):
        assert page.locator(shown).is_visible(), shown
