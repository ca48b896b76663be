"""A reader's path through the public site, in headless Chromium."""

import re

from tests.browser.content import make_filled_site

SECTION_IDS = [
    "summary",
    "about-report",
    "about-authors",
    "topics",
    "related-publications",
]


def test_reader_follows_report_related_item_and_filters(page, live_server):
    make_filled_site()

    page.goto(live_server.url + "/")
    page.get_by_role(
        "link", name="Mediating Local Conflicts in the Central Sahel"
    ).first.click()

    page.wait_for_url(re.compile(r"/publications/mediating-local-conflicts/$"))
    assert page.locator("h1").inner_text() == (
        "Mediating Local Conflicts in the Central Sahel"
    )
    section_ids = page.eval_on_selector_all(
        "main section[id]", "sections => sections.map(section => section.id)"
    )
    assert [i for i in section_ids if i in SECTION_IDS] == SECTION_IDS
    assert page.locator("#about-authors h2").inner_text() == "About the Authors"

    related = page.locator("#related-publications")
    related.get_by_role(
        "link", name="What Niger's Truce Tells Us About Local Mediation"
    ).click()
    page.wait_for_url(re.compile(r"/publications/niger-truce-analysis/$"))

    page.get_by_role("link", name="View All Publications").click()
    page.wait_for_url(re.compile(r"/publications/$"))
    assert page.locator("h1").inner_text() == "All Publications"

    page.select_option("#id_topic", value="mediation")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"topic=mediation"))
    titles = page.locator(".card-title").all_inner_texts()
    assert sorted(t.split(" ↗")[0] for t in titles) == [
        "Mediating Local Conflicts in the Central Sahel",
        "Mediation Support Beyond the Capital",
        "What Niger's Truce Tells Us About Local Mediation",
    ]
    assert page.locator("#id_topic").input_value() == "mediation"

    page.select_option("#id_type", value="analysis")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"type=analysis"))
    assert page.locator(".card-title").all_inner_texts() == [
        "What Niger's Truce Tells Us About Local Mediation"
    ]
    assert page.locator("#id_type").input_value() == "analysis"
    assert page.locator("#id_topic").input_value() == "mediation"
