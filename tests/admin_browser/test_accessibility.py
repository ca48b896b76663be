"""axe finds no critical or serious problem on the pages editors work in."""

import pytest
from django.urls import reverse

from tests.accessibility import axe_violations
from tests.admin_pages import admin_url

# The site is built once for the package (see conftest); each test only reads.
pytestmark = pytest.mark.django_db


PAGES = {
    "home": lambda items: reverse("admin:index"),
    "report add": lambda items: reverse("admin:publications_report_add"),
    "report change": lambda items: admin_url(items["report"]),
    "related change": lambda items: admin_url(items["analysis"]),
    "author change": lambda items: admin_url(items["report"].authors.first()),
    "series change": lambda items: admin_url(items["report"].series),
    "report list": lambda items: reverse("admin:publications_report_changelist"),
    "related list": lambda items: reverse(
        "admin:publications_relatedpublication_changelist"
    ),
    "author list": lambda items: reverse("admin:authors_author_changelist"),
    "series list": lambda items: reverse("admin:publications_series_changelist"),
    "topic list": lambda items: reverse("admin:taggit_tag_changelist"),
    "export": lambda items: reverse("publication-export") + "?status=all&topic=sahel",
}


@pytest.mark.parametrize("name", PAGES)
def test_admin_page_has_no_critical_or_serious_axe_violation(name, page, admin_site):
    page.goto(admin_site["url"] + PAGES[name](admin_site["items"]))
    assert page.locator("#content").count() == 1
    violations = axe_violations(page)
    assert violations == [], violations
