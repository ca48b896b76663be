"""Two editors, two browsers, one item: the second save is refused, not lost."""

import pytest
from django.urls import reverse

from authors.models import Author
from publications.models import RelatedPublication, Report, Series
from tests.factories import (
    make_author,
    make_named_user,
    make_related,
    make_report,
    make_series,
)
from tests.security.browser import csp_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _items():
    report = make_report(title="Water report", summary_points=["Wells dry up."])
    related = make_related(title="Water analysis")
    author = make_author(name="Hana Ito")
    series = make_series(title="Water series")
    return [
        (Report, report, "title", "#id_summary_points-0-text"),
        (RelatedPublication, related, "title", "#id_teaser"),
        (Author, author, "name", "#id_position"),
        (Series, series, "title", "#id_commissioned_by"),
    ]


def _save(page):
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()


def test_second_editor_is_told_who_saved_keeps_their_input_and_can_resave(
    open_page, live_server
):
    ann_page, ann_log = open_page(make_named_user(first_name="Ann", last_name="Archer"))
    ben_page, ben_log = open_page(make_named_user(first_name="Ben", last_name="Baker"))

    for model, item, name_field, other_field in _items():
        opts = model._meta
        url = live_server.url + reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk]
        )
        ann_page.goto(url)
        ben_page.goto(url)

        ann_page.fill(f"#id_{name_field}", "Ann's version")
        _save(ann_page)
        ben_page.fill(f"#id_{name_field}", "Ben's version")
        ben_page.fill(other_field, "Ben's text")
        _save(ben_page)

        error = ben_page.locator(".errorlist.nonfield").inner_text()
        label = opts.verbose_name
        assert f"This {label} was changed by Ann Archer on " in error, label
        assert "Your edits below have not been saved." in error
        assert getattr(model.objects.get(pk=item.pk), name_field) == "Ann's version"
        assert ben_page.input_value(f"#id_{name_field}") == "Ben's version"
        assert ben_page.input_value(other_field) == "Ben's text"

        _save(ben_page)  # knowingly, after reading the message
        assert ben_page.locator(".errorlist.nonfield").count() == 0
        assert getattr(model.objects.get(pk=item.pk), name_field) == "Ben's version"
        assert model.objects.get(pk=item.pk).version == 3

    for page, log in ((ann_page, ann_log), (ben_page, ben_log)):
        assert csp_violations(page) == []
        assert log.errors == []
