"""The report form, change list and export page fit the editor's screen."""

import base64

import pytest
from django.urls import reverse

from tests.admin_pages import admin_url

pytestmark = pytest.mark.django_db

REPORT_LIST_COLUMNS = (
    "title",
    "type_label",
    "author_names",
    "state_and_link",
    "publish_at",
)

# Elements reaching past the viewport's right edge, other than the contents of
# a box that scrolls sideways on its own (the change list's table, inlines).
_OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    const inScroller = el => {
        for (let box = el.parentElement; box; box = box.parentElement) {
            if (["auto", "scroll"].includes(getComputedStyle(box).overflowX)) {
                return true;
            }
        }
        return false;
    };
    return [...document.querySelectorAll("body *")]
        .filter(el => el.getClientRects().length && !inScroller(el))
        .filter(el => el.getBoundingClientRect().right > width + 1)
        .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
            + (el.className && typeof el.className === "string"
               ? "." + el.className.trim().split(/\\s+/).join(".") : ""));
}"""


def _pages(admin_site):
    items = admin_site["items"]
    return {
        "report-form": admin_url(items["report"]),
        "report-list": reverse("admin:publications_report_changelist"),
        "export": reverse("publication-export") + "?type=special-report",
    }


def test_report_list_shows_its_five_columns_at_1280_px_with_both_sidebars(
    page, admin_site
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(admin_site["url"] + _pages(admin_site)["report-list"])
    assert page.locator("#nav-sidebar").is_visible()
    assert page.locator("#changelist-filter").is_visible()
    scroller = page.locator("#changelist .results")
    widths = scroller.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1], f"the change list scrolls sideways: {widths}"
    right_edge = scroller.evaluate("el => el.getBoundingClientRect().right")
    for column in REPORT_LIST_COLUMNS:
        header = page.locator(f"#result_list th.column-{column}")
        box = header.bounding_box()
        assert header.is_visible(), column
        assert box["x"] >= 0 and box["x"] + box["width"] <= right_edge + 1, column


@pytest.mark.parametrize("name", ["report-form", "report-list", "export"])
def test_admin_page_fits_390_px(name, page, admin_site):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(admin_site["url"] + _pages(admin_site)[name])
    assert page.evaluate(_OVERFLOWING) == []


def test_report_form_fits_390_px_while_the_icon_font_loads(page, admin_site, artifacts):
    # The toolbar's icons are ligatures of a web font: until it arrives they
    # lay out as words such as "format_list_bulleted", far wider than icons.
    held = []
    page.route("**/*.woff2", lambda route: held.append(route))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(
        admin_site["url"] + _pages(admin_site)["report-form"],
        wait_until="domcontentloaded",
    )
    page.locator(".prose-menubar__button").first.wait_for()
    assert held, "the icon font was not requested before the check"
    assert page.evaluate("document.fonts.check('24px \"Material Icons\"')") is False
    page.evaluate("document.querySelector('.prose-menubar').scrollIntoView()")
    # Playwright's screenshot waits for fonts; Chromium's own does not.
    shot = page.context.new_cdp_session(page).send("Page.captureScreenshot")
    (artifacts / "admin-report-form-390-font-loading.png").write_bytes(
        base64.b64decode(shot["data"])
    )
    assert page.evaluate(_OVERFLOWING) == []
    for route in held:
        route.continue_()


@pytest.mark.parametrize("width", [1280, 390])
def test_report_form_buttons_stay_in_view_on_a_long_form(width, page, admin_site):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(admin_site["url"] + _pages(admin_site)["report-form"])
    assert page.evaluate("document.documentElement.scrollHeight") > 2 * 800
    for scroll in (0, 1500):
        page.evaluate(f"window.scrollTo(0, {scroll})")
        row = page.locator("#report_form .submit-row").last
        box = row.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 800 + 1, (scroll, box)
        assert row.locator("[name=_save]").is_visible()


def test_about_and_body_editors_show_at_least_twelve_lines(page, admin_site):
    page.goto(admin_site["url"] + _pages(admin_site)["report-form"])
    for field in ("about", "body"):
        editor = page.locator(f".field-{field} .prose-editor > .ProseMirror")
        lines = editor.evaluate(
            """el => {
                const style = getComputedStyle(el);
                const line = parseFloat(style.lineHeight)
                    || 1.2 * parseFloat(style.fontSize);
                return el.clientHeight / line;
            }"""
        )
        assert lines >= 12, (field, lines)


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_editors_pages(width, page, admin_site, artifacts):
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in _pages(admin_site).items():
        page.goto(admin_site["url"] + path)
        page.screenshot(path=artifacts / f"admin-{name}-{width}.png", full_page=True)
