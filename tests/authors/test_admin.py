import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from authors.models import Author
from tests.factories import image_bytes, make_author, make_report, make_user

pytestmark = pytest.mark.django_db

ADD = "admin:authors_author_add"


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(role="Editors"))
    return client


def _data(**fields):
    return {
        "name": "Helena Marsh",
        "slug": "helena-marsh",
        "position": "",
        "affiliation": "",
        "bio": "",
        "photo_alt": "",
        "website": "",
        "email": "",
        **fields,
    }


def _phone_photo():
    image = Image.new("RGB", (30, 40), (90, 90, 90))
    exif = image.getexif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 1.0)
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def test_bio_is_sanitised(editor_client):
    bio = (
        "<p>Works on <em>water</em>.</p><script>alert(1)</script>"
        '<p><a href="javascript:alert(2)">x</a><img src=x onerror="alert(3)"></p>'
        "<svg><circle/></svg><math><mi>y</mi></math><style>p {}</style>"
    )

    editor_client.post(reverse(ADD), _data(bio=bio))

    stored = Author.objects.get(slug="helena-marsh").bio
    assert "<em>water</em>" in stored
    for needle in ("<script", "alert", "javascript:", "onerror", "<svg", "<math",
                   "<style", "<img"):  # fmt: skip
        assert needle not in stored


def test_photo_gps_metadata_is_stripped(editor_client):
    photo = SimpleUploadedFile("phone.jpg", _phone_photo())

    response = editor_client.post(
        reverse(ADD), _data(photo=photo, photo_alt="Helena Marsh")
    )

    assert response.status_code == 302
    with Author.objects.get().photo.open("rb") as stored:
        data = stored.read()
    assert b"Exif" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_photo_needs_alt_text(editor_client):
    photo = SimpleUploadedFile("portrait.png", image_bytes())

    response = editor_client.post(reverse(ADD), _data(photo=photo))

    assert response.context["adminform"].form.errors["photo_alt"] == [
        "Describe the photo: alt text is required with one."
    ]
    assert not Author.objects.exists()


def test_photo_that_is_not_an_image_is_a_form_error(editor_client):
    photo = SimpleUploadedFile("portrait.jpg", b"GIF89a but not really")

    response = editor_client.post(reverse(ADD), _data(photo=photo, photo_alt="x"))

    assert response.status_code == 200
    assert "not an image" in response.context["adminform"].form.errors["photo"][0]
    assert not Author.objects.exists()


def test_author_list_searches_and_counts_publications(editor_client):
    helena = make_author(name="Helena Marsh")
    make_author(name="Daniel Osei")
    make_report(authors=[helena])
    make_report(authors=[helena])

    response = editor_client.get(
        reverse("admin:authors_author_changelist"), {"q": "marsh"}
    )

    [row] = response.context["cl"].result_list
    assert row == helena
    assert row.usage == 2


def test_contributor_adds_and_changes_authors_but_cannot_delete(client):
    client.force_login(make_user(role="Contributors"))
    author = make_author()

    assert client.post(reverse(ADD), _data()).status_code == 302
    change = reverse("admin:authors_author_change", args=[author.pk])
    assert client.post(change, _data(slug=author.slug, name="New")).status_code == 302
    delete = reverse("admin:authors_author_delete", args=[author.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Author.objects.count() == 2


def test_saving_an_author_bumps_the_version(editor_client):
    author = make_author()

    editor_client.post(
        reverse("admin:authors_author_change", args=[author.pk]),
        _data(slug=author.slug),
    )

    author.refresh_from_db()
    assert author.version == 2


def test_bio_field_uses_the_rich_text_editor(editor_client):
    response = editor_client.get(reverse(ADD))

    assert b"data-django-prose-editor-configurable" in response.content


def test_name_parts_are_saved_and_given_names_alone_are_refused(editor_client):
    page = editor_client.get(reverse(ADD)).content.decode()
    assert 'name="given_names"' in page and 'name="family_name"' in page
    assert "put it in the family name alone" in page

    response = editor_client.post(
        reverse(ADD),
        _data(name="Wu Xinbo", slug="wu-xinbo", given_names="Xinbo"),
    )
    assert response.status_code == 200
    assert "Enter the family name with the given names." in response.content.decode()
    assert not Author.objects.filter(slug="wu-xinbo").exists()

    editor_client.post(
        reverse(ADD),
        _data(name="Wu Xinbo", slug="wu-xinbo", given_names="Xinbo", family_name="Wu"),
    )
    author = Author.objects.get(slug="wu-xinbo")
    assert (author.given_names, author.family_name) == ("Xinbo", "Wu")
