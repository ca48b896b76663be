"""Merging topics in Chromium: the confirmation page says what will happen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from taggit.models import Tag

from publications.models import TopicRedirect
from tests.accessibility import axe_violations
from tests.factories import make_related, make_report, make_user


@pytest.mark.django_db(transaction=True)
def test_an_editor_merges_drifted_topics_from_the_list(
    open_page, live_server, artifacts
):
    make_report(title="Water Rights in the Jordan Basin", tags=["Middle East"])
    make_report(title="Ceasefire Monitoring in Yemen", tags=["Middle-East", "MENA"])
    make_related(title="Refugee Returns", tags=["MENA"], published=False)
    make_report(title="Sahel Mediation", tags=["Sahel"])
    page = open_page(make_user(role="Editors"))

    page.goto(live_server.url + reverse("admin:taggit_tag_changelist"))
    for name in ("MENA", "Middle East", "Middle-East"):
        page.get_by_role(
            "checkbox", name=f"Select this object for an action - {name}", exact=True
        ).check()
    page.get_by_role("combobox", name="Action").select_option("merge_selected")
    page.get_by_role("button", name="Run").click()

    expect(page.get_by_role("heading", name="Merge topics")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(3)
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "admin-topic-merge-1280.png", full_page=True)

    page.get_by_role("radio", name="Middle East", exact=True).check()
    page.get_by_role("button", name="Merge").click()

    expect(
        page.get_by_text("Merged into “Middle East”: 2 publications changed.")
    ).to_be_visible()
    assert sorted(Tag.objects.values_list("name", flat=True)) == [
        "Middle East",
        "Sahel",
    ]
    assert sorted(TopicRedirect.objects.values_list("old_slug", flat=True)) == [
        "mena",
        "middle-east_1",  # taggit's slug for the second spelling
    ]
