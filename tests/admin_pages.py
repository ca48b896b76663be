"""Helpers for tests that drive admin pages as a logged-in editor."""

from django.test import Client
from django.urls import reverse

from tests.security.html_forms import form_data


def logged_in(user):
    """Return a test client logged in as *user*."""
    client = Client()
    client.force_login(user)
    return client


def admin_url(item, view="change", *args):
    """Return the admin address of *view* (change, history, revision...) of *item*."""
    opts = item._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[item.pk, *args]
    )


def open_form(client, url, item):
    """Return the fields of *item*'s admin form at *url*, as a browser sends them."""
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), f"{item._meta.model_name}_form")


def publish_changes(client, item):
    """Publish *item*'s unpublished changes as *client*; return the response."""
    from publications.drafts import draft_of_item

    draft = draft_of_item(item)
    assert draft is not None, "the item has no unpublished changes"
    return client.post(
        admin_url(item, "publish_changes"), {"draft_version": draft.version}
    )


def session_cookie(user, url):
    """Return a browser cookie logging *user* in at the site at *url*."""
    from django.conf import settings

    client = logged_in(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }
