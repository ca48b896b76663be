"""History of authors and series: every admin save keeps a restorable version."""

import pytest
from reversion.models import Version

from authors.models import Author
from publications.models import Series
from tests.admin_pages import admin_url, logged_in, open_form
from tests.factories import make_author, make_named_user, make_series

pytestmark = pytest.mark.django_db


def _save(client, item, **changes):
    response = client.post(
        admin_url(item), open_form(client, admin_url(item), item) | changes
    )
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
    _save(logged_in(ann), item)
    _save(logged_in(ben), item, **{field: "Renamed"})
    assert getattr(model.objects.get(pk=item.pk), field) == "Renamed"

    history = logged_in(ann).get(admin_url(item, "history")).content.decode()
    oldest, newest = Version.objects.get_for_object(item).order_by("pk")
    assert "Ann Archer" in history and "Ben Baker" in history
    assert history.index(admin_url(item, "revision", newest.pk)) < history.index(
        admin_url(item, "revision", oldest.pk)
    )

    client = logged_in(ann)
    page = client.get(admin_url(item, "revision", oldest.pk)).content.decode()
    assert "This is the version saved on" in page and "by Ann Archer" in page
    assert "Restoring it brings back the text and files it had." in page
    earlier = open_form(client, admin_url(item, "revision", oldest.pk), item)
    assert earlier[field] == old
    response = client.post(admin_url(item, "revision", oldest.pk), earlier)

    assert response.status_code == 302
    restored = model.objects.get(pk=item.pk)
    assert getattr(restored, field) == old
    # The edit check goes on from the current count, so the next save works.
    assert restored.version > item.version
    _save(client, restored, **{field: "After the restore"})
    assert getattr(model.objects.get(pk=item.pk), field) == "After the restore"
    assert Version.objects.get_for_object(item).count() == 4
