"""Chromium picks a rendition that fits a phone and lays images out as before."""

from tests.browser.content import make_filled_site

REPORT = "/publications/mediating-local-conflicts/"


def _box(page, selector):
    return page.eval_on_selector(
        selector,
        """el => {
            const box = el.getBoundingClientRect();
            return {left: box.left, right: box.right, width: box.width};
        }""",
    )


def test_a_phone_gets_webp_renditions_in_the_layout_of_plain_images(page, live_server):
    make_filled_site()  # committed at once: the renditions are made
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + REPORT, wait_until="networkidle")

    cover = page.eval_on_selector(
        ".cover img",
        "el => ({src: el.currentSrc, height: el.getBoundingClientRect().height})",
    )
    # 358 CSS pixels wide at 1x: the 640-pixel WebP, 3:2 like the original.
    assert cover["src"].endswith(".jpg.w640.webp")
    assert round(cover["height"]) == round(358 * 800 / 1200)

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    photo = _box(page, ".author-bio img")
    name = _box(page, ".author-bio h3")
    assert round(photo["width"]) == 72 and photo["right"] < name["left"]
    thumbnail = _box(page, ".related-item img")
    title = _box(page, ".related-item h3")
    assert round(thumbnail["width"]) == 104 and thumbnail["right"] < title["left"]
    # The narrowest WebP: of the 300-pixel portraits, of the 480-pixel thumbnails.
    photos = page.eval_on_selector_all(
        ".author-bio img", "images => images.map(i => i.currentSrc)"
    )
    thumbnails = page.eval_on_selector_all(
        ".related-item img", "images => images.map(i => i.currentSrc)"
    )
    assert len(photos) == 2 and all(src.endswith(".w300.webp") for src in photos)
    assert thumbnails and all(src.endswith(".w320.webp") for src in thumbnails)
