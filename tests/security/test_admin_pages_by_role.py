"""Every admin page a role can reach opens for it, on the demo content.

Each role of publications.roles, and a superuser, opens every registered
model's change list and add page, the change page of every object, and the
history and delete pages of one object per model. A page may refuse (403) or
forward (302); it may never fail. Where the role may view a model, its list
and change pages open.
"""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from publications.models import Report
from tests.admin_pages import logged_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROLES = ["Contributors", "Editors", "Exporters", "superuser"]


@pytest.fixture(scope="module")
def demo_content(django_db_setup, django_db_blocker):
    """Load the demo once for the module; roll it back afterwards.

    Each test runs in a transaction of its own inside this one, so a test
    sees the demo and nothing another test did.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
        assert Report.objects.exclude(pdf="").count() >= 2
        yield
        transaction.set_rollback(True)


def _user(role):
    if role == "superuser":
        return make_user(is_superuser=True)
    return make_user(role=role)


def _pages(model):
    """Yield (page, url) for the admin pages of *model* and its objects."""
    base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    yield "changelist", reverse(f"{base}_changelist")
    yield "add", reverse(f"{base}_add")
    objects = list(model._default_manager.order_by("pk"))
    for index, obj in enumerate(objects):
        yield "change", reverse(f"{base}_change", args=[obj.pk])
        if index == 0:
            for page in ("history", "delete"):
                try:
                    yield page, reverse(f"{base}_{page}", args=[obj.pk])
                except NoReverseMatch:
                    continue


def _may_view(user, model):
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("view", "change")
    )


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_page_fails_for_any_role(demo_content, role):
    user = _user(role)
    client = logged_in(user)
    failures, closed = [], []

    for model in admin.site._registry:
        for page, url in _pages(model):
            try:
                status = client.get(url).status_code
            except Exception as error:  # noqa: BLE001 - every failure is listed
                failures.append((url, repr(error)))
                continue
            if status not in {200, 302, 403}:
                failures.append((url, status))
            elif (
                page in {"changelist", "change"}
                and _may_view(user, model)
                and status not in {200, 302}
            ):
                closed.append((url, status))

    assert failures == []
    assert closed == []


def test_every_role_opens_the_change_page_of_a_report_with_a_pdf(demo_content):
    report = Report.objects.exclude(pdf="").first()
    url = reverse("admin:publications_report_change", args=[report.pk])
    pdf_url = reverse("publications:report-pdf", args=[report.slug])

    for role in ROLES:
        response = logged_in(_user(role)).get(url)

        assert response.status_code == 200, role
        assert pdf_url in response.content.decode(), role
