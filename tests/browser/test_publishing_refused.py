"""An editor publishing an incomplete report is told, on the form, what is missing."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from publications.models import Report
from tests.factories import get_type, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    cookie = {"name": name, "value": client.cookies[name].value}
    page.context.add_cookies([cookie | {"url": live_server.url}])


def test_refused_publish_names_what_is_missing_and_keeps_the_input(
    page, live_server, artifacts
):
    get_type("special-report")
    _log_in(page, live_server, make_user(role="Editors"))
    page.goto(live_server.url + reverse("admin:publications_report_add"))

    page.fill("#id_title", "Water and Power")
    page.select_option("#id_publication_type", label="Special Report")
    page.fill("#id_teaser", "Who gets the river when it runs low.")
    page.select_option("#id_status", "published")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()

    error = page.locator(".errorlist.nonfield").inner_text()
    assert error == (
        "To publish or schedule this report, add at least one author, at least "
        "one summary point, the About text and at least one topic. Nothing was "
        "saved."
    )
    assert page.input_value("#id_title") == "Water and Power"
    assert not Report.objects.exists()
    page.screenshot(path=artifacts / "admin-publish-refused-1280.png", full_page=True)
