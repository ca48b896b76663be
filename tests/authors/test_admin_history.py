"""History of authors and series: every admin save keeps a restorable version."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from authors.models import Author
from publications.models import Series
from tests.factories import make_author, make_named_user, make_series
from tests.security.html_forms import form_data

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(item, view="change", *args):
    opts = item._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[item.pk, *args]
    )


def _open(client, url, item):
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), f"{item._meta.model_name}_form")


def _save(client, item, **changes):
    response = client.post(_url(item), _open(client, _url(item), item) | changes)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize(
    ("make", "field", "model"),
    [
        (lambda: make_author(name="Ann Old", bio="<p>Old bio.</p>"), "name", Author),
        (lambda: make_series(title="Old Series"), "title", Series),
    ],
    ids=["author", "series"],
)
def test_an_earlier_version_is_listed_and_restored(make, field, model):
    item = make()
    old = getattr(item, field)
    ann = make_named_user(first_name="Ann", last_name="Archer")
    ben = make_named_user(first_name="Ben", last_name="Baker")
    _save(_client(ann), item)
    _save(_client(ben), item, **{field: "Renamed"})
    assert getattr(model.objects.get(pk=item.pk), field) == "Renamed"

    history = _client(ann).get(_url(item, "history")).content.decode()
    oldest, newest = Version.objects.get_for_object(item).order_by("pk")
    assert "Ann Archer" in history and "Ben Baker" in history
    assert history.index(_url(item, "revision", newest.pk)) < history.index(
        _url(item, "revision", oldest.pk)
    )

    client = _client(ann)
    page = client.get(_url(item, "revision", oldest.pk)).content.decode()
    assert "This is the version saved on" in page and "by Ann Archer" in page
    assert "Restoring it brings back the text and files it had." in page
    earlier = _open(client, _url(item, "revision", oldest.pk), item)
    assert earlier[field] == old
    response = client.post(_url(item, "revision", oldest.pk), earlier)

    assert response.status_code == 302
    restored = model.objects.get(pk=item.pk)
    assert getattr(restored, field) == old
    # The edit check goes on from the current count, so the next save works.
    assert restored.version > item.version
    _save(client, restored, **{field: "After the restore"})
    assert getattr(model.objects.get(pk=item.pk), field) == "After the restore"
    assert Version.objects.get_for_object(item).count() == 4
