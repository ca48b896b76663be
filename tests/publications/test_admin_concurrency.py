"""No lost edits: a save over a save made since the form opened is refused once."""

import threading

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from authors.models import Author
from core.admin.conflicts import EditConflict
from publications.models import RelatedPublication, Report, Series
from tests.factories import (
    make_author,
    make_named_user,
    make_related,
    make_report,
    make_series,
    make_user,
)
from tests.security.html_forms import form_data

pytestmark = pytest.mark.django_db

# kind -> (model, factory, the field both editors change)
ITEMS = {
    "report": (Report, lambda: make_report(summary_points=["Old"]), "title"),
    "related": (RelatedPublication, make_related, "title"),
    "author": (Author, make_author, "name"),
    "series": (Series, make_series, "title"),
}


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def _change_url(item):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def _open(client, item):
    """Return the change form's data as the browser would send it."""
    response = client.get(_change_url(item))
    assert response.status_code == 200
    return form_data(response.content.decode(), f"{item._meta.model_name}_form")


@pytest.mark.parametrize("kind", ITEMS)
def test_second_save_is_refused_naming_who_and_when_then_allowed(kind):
    model, factory, field = ITEMS[kind]
    item = factory()
    ann = _logged_in(make_named_user(first_name="Ann", last_name="Archer"))
    ben = _logged_in(make_named_user(first_name="Ben", last_name="Baker"))
    ann_form, ben_form = _open(ann, item), _open(ben, item)

    assert ann.post(_change_url(item), ann_form | {field: "Ann's"}).status_code == 302
    response = ben.post(_change_url(item), ben_form | {field: "Ben's"})

    assert response.status_code == 200
    content = response.content.decode()
    label = model._meta.verbose_name
    assert f"This {label} was changed by Ann Archer on " in content
    assert getattr(model.objects.get(pk=item.pk), field) == "Ann's"
    form = response.context["adminform"].form
    assert form[field].value() == "Ben's"  # their input, ready to re-apply
    resubmitted = ben_form | {
        field: "Ben's",
        "edit_version": form["edit_version"].value(),
    }
    assert ben.post(_change_url(item), resubmitted).status_code == 302
    stored = model.objects.get(pk=item.pk)
    assert getattr(stored, field) == "Ben's"
    assert stored.version == 3


def test_refused_form_keeps_the_inline_rows_typed():
    report = make_report(summary_points=["Old point"])
    ann = _logged_in(make_named_user(first_name="Ann", last_name="Archer"))
    ben = _logged_in(make_named_user(first_name="Ben", last_name="Baker"))
    ben_form = _open(ben, report)
    ann.post(_change_url(report), _open(ann, report) | {"title": "Ann's"})

    response = ben.post(
        _change_url(report),
        ben_form
        | {
            "summary_points-0-text": "Ben's point",
            "summary_points-TOTAL_FORMS": "2",
            "summary_points-1-text": "Ben's new point",
            "summary_points-1-position": "1",
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Ben&#x27;s point" in content
    assert "Ben&#x27;s new point" in content
    assert [p.text for p in report.summary_points.all()] == ["Old point"]


def test_same_editor_in_two_tabs_is_told_it_was_them():
    report = make_report()
    ann = _logged_in(make_named_user(first_name="Ann", last_name="Archer"))
    first_tab, second_tab = _open(ann, report), _open(ann, report)
    ann.post(_change_url(report), first_tab | {"title": "First tab"})

    response = ann.post(_change_url(report), second_tab | {"title": "Second tab"})

    assert "changed by you (in another tab or window) on " in (
        response.content.decode()
    )


def test_change_made_outside_the_admin_is_reported_too():
    series = make_series()
    ann = _logged_in(make_named_user(first_name="Ann", last_name="Archer"))
    opened = _open(ann, series)
    Series.objects.filter(pk=series.pk).update(version=2, title="By a command")

    response = ann.post(_change_url(series), opened | {"title": "Ann's"})

    assert "changed by someone outside the admin" in response.content.decode()
    assert Series.objects.get(pk=series.pk).title == "By a command"


def test_an_open_form_cannot_undo_a_bulk_publish():
    draft = make_related(slug="draft", published=False)
    ann = _logged_in(make_named_user(first_name="Ann", last_name="Archer"))
    opened = _open(ann, draft)
    ann.post(
        reverse("admin:publications_relatedpublication_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )

    response = ann.post(_change_url(draft), opened)

    assert response.status_code == 200
    assert RelatedPublication.objects.get(pk=draft.pk).is_live()


@pytest.mark.parametrize("model", [Report, Author])
def test_save_moves_the_version_on_only_from_the_number_checked(model):
    item = make_report() if model is Report else make_author()
    model_admin = admin.site.get_model_admin(model)
    request = RequestFactory().post("/")
    request.user = make_named_user(first_name="Ann", last_name="Archer")
    stale = model.objects.get(pk=item.pk)
    model.objects.filter(pk=item.pk).update(version=5)  # someone else saved
    stale.version = 1

    with pytest.raises(EditConflict), transaction.atomic():
        model_admin.save_model(request, stale, form=None, change=True)

    assert model.objects.get(pk=item.pk).version == 5


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_cannot_both_pass():
    """The second save waits for the first one's lock, then sees its version."""
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks across connections (PostgreSQL)")
    report = make_report(title="Original")
    ann = _logged_in(make_named_user(first_name="Ann", last_name="Archer"))
    ben = _logged_in(make_named_user(first_name="Ben", last_name="Baker"))
    ann_form, ben_form = _open(ann, report), _open(ben, report)
    report_admin = admin.site.get_model_admin(Report)
    ann_saving, ann_may_commit = threading.Event(), threading.Event()
    save_related = report_admin.save_related

    def slow_save_related(request, form, formsets, change):
        save_related(request, form, formsets, change)
        if request.user.username == "ann":
            ann_saving.set()
            ann_may_commit.wait(timeout=10)

    responses = {}

    def post(name, client, data):
        try:
            responses[name] = client.post(_change_url(report), data)
        finally:
            connection.close()

    report_admin.save_related = slow_save_related
    try:
        ann_thread = threading.Thread(
            target=post, args=("ann", ann, ann_form | {"title": "Ann's"})
        )
        ann_thread.start()
        assert ann_saving.wait(timeout=10)
        ben_thread = threading.Thread(
            target=post, args=("ben", ben, ben_form | {"title": "Ben's"})
        )
        ben_thread.start()
        assert _waits_for_a_lock(), "Ben's save did not wait for Ann's"
        ann_may_commit.set()
        ann_thread.join(timeout=10)
        ben_thread.join(timeout=10)
    finally:
        ann_may_commit.set()
        del report_admin.save_related

    assert responses["ann"].status_code == 302
    assert responses["ben"].status_code == 200
    assert "changed by Ann Archer on " in responses["ben"].content.decode()
    stored = Report.objects.get(pk=report.pk)
    assert (stored.title, stored.version) == ("Ann's", 2)


def _waits_for_a_lock(attempts=200):
    """Return True once another session of this database waits for a lock."""
    with connection.cursor() as cursor:
        for _ in range(attempts):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            threading.Event().wait(0.05)
    return False


@pytest.mark.parametrize("kind", ITEMS)
def test_read_only_pages_carry_no_edit_version(kind):
    item = ITEMS[kind][1]()
    viewer = _logged_in(make_user(role="Exporters"))

    response = viewer.get(_change_url(item))

    assert response.status_code == 200
    assert "edit_version" not in response.content.decode()
    assert "Edit version" not in response.content.decode()
