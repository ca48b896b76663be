"""Uploads in an S3-compatible bucket: stored there, fetched only while live.

Each test runs against this run's moto server with a bucket of its own
(the s3_bucket fixture), STORAGES read from FOLIO_STORAGE_URL.
"""

import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.renditions import rendition_names
from publications.models import Report
from tests.factories import (
    ago,
    image_bytes,
    make_report,
    make_user,
    pdf_bytes,
    publication_admin_data,
    report_admin_needs,
)

pytestmark = pytest.mark.django_db


def fetch(url):
    """Return (status, headers, body) of a plain GET of *url*, as a browser's."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def follow(client, path):
    """Return the signed URL the app redirects *path* to, after checking it."""
    response = client.get(path)
    assert response.status_code == 302, (path, response.status_code)
    return response["Location"], response


def test_an_admin_upload_lands_in_the_bucket_with_its_renditions(
    s3_bucket, client, committed
):
    client.force_login(make_user(is_superuser=True))
    cover = image_bytes(size=(900, 600))
    data = publication_admin_data(
        slug="in-the-bucket",
        status="published",
        image_alt="A cover",
        image=SimpleUploadedFile("cover.png", cover, "image/png"),
        pdf=SimpleUploadedFile(
            "report.pdf", pdf_bytes(text="Bucket"), "application/pdf"
        ),
        **report_admin_needs(),
    )
    with committed():
        response = client.post(reverse("admin:publications_report_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    report = Report.objects.get(slug="in-the-bucket")
    keys = s3_bucket.keys()
    assert s3_bucket.key("public", report.image.name) in keys
    assert s3_bucket.key("public", report.thumbnail.name) in keys
    assert s3_bucket.key("private", report.pdf.name) in keys
    made = {
        f"{report.image.name}.w{width}.{ext}"
        for width in (320, 640)
        for ext in ("png", "webp")
    }
    made |= {f"{report.image.name}.w900.webp", f"{report.image.name}.og.jpg"}
    assert set(rendition_names(report.image.storage, report.image.name)) == made
    assert {s3_bucket.key("public", name) for name in made} <= keys
    assert "Bucket" in report.pdf_text


def image_addresses(content):
    """Return the image addresses in a page's src and srcset attributes."""
    found = set(re.findall(r'src="(/media/[^"]+)"', content))
    for srcset in re.findall(r'srcset="([^"]+)"', content):
        found |= {part.split()[0] for part in srcset.split(", ")}
    return found


def test_a_live_reports_images_and_pdf_come_from_the_bucket(
    s3_bucket, client, committed
):
    with committed():
        report = make_report(slug="live-on-s3", image=True, pdf=True)

    page = client.get(report.get_absolute_url())
    assert page.status_code == 200
    addresses = image_addresses(page.content.decode())
    # A 64-pixel-wide cover: itself, and its WebP rendition.
    name = report.image.name
    assert addresses == {f"/media/{name}", f"/media/{name}.w64.webp"}
    for address in addresses:
        signed, response = follow(client, address)
        assert response["Cache-Control"] == "public, max-age=300"
        assert signed.startswith(f"{s3_bucket.endpoint}/{s3_bucket.name}/site/public/")
        assert "X-Amz-Expires=600" in signed
        status, headers, body = fetch(signed)
        assert status == 200
        assert headers["Content-Type"].startswith("image/")
        assert (
            body
            == s3_bucket.client()
            .get_object(
                Bucket=s3_bucket.name, Key=s3_bucket.key("public", address[7:])
            )["Body"]
            .read()
        )

    signed, response = follow(client, report.pdf_url)
    assert "no-store" in response["Cache-Control"]
    status, headers, body = fetch(signed)
    assert status == 200
    assert body.startswith(b"%PDF-")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="live-on-s3.pdf"'


@pytest.mark.parametrize(
    "not_live",
    [
        {"published": False},
        {"publish_at": ago(-1)},
        {"publish_at": ago(3), "unpublish_at": ago(1)},
    ],
    ids=["draft", "scheduled", "withdrawn"],
)
def test_files_of_items_not_live_cannot_be_fetched(s3_bucket, client, not_live):
    report = make_report(image=True, pdf=True, **not_live)
    names = [("public", report.image.name), ("public", report.thumbnail.name)]

    for _folder, name in names:
        assert client.get(f"/media/{name}").status_code == 404
    assert client.get(report.pdf_url).status_code == 404

    # Nor straight from the bucket, for anyone who learns or guesses a key.
    anonymous = s3_bucket.client(anonymous=True)
    for folder, name in [*names, ("private", report.pdf.name)]:
        key = s3_bucket.key(folder, name)
        assert key in s3_bucket.keys()
        with pytest.raises(ClientError) as refused:
            anonymous.get_object(Bucket=s3_bucket.name, Key=key)
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        url = f"{s3_bucket.endpoint}/{s3_bucket.name}/{key}"
        assert fetch(url)[0] == 403


def test_an_anonymous_get_succeeds_for_an_object_made_public(s3_bucket):
    """The check above can fail: the server does serve a public-read object."""
    client = s3_bucket.client()
    client.put_object(
        Bucket=s3_bucket.name, Key="open.txt", Body=b"hi", ACL="public-read"
    )

    assert fetch(f"{s3_bucket.endpoint}/{s3_bucket.name}/open.txt")[:3:2] == (
        200,
        b"hi",
    )


def test_staff_previews_get_uncached_signed_urls(s3_bucket, client):
    report = make_report(image=True, pdf=True, published=False)
    client.force_login(make_user(is_superuser=True))

    signed, response = follow(client, report.image.url)
    assert response["Cache-Control"] == "private, no-store"
    assert fetch(signed)[0] == 200
    signed, response = follow(client, report.pdf_url)
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert fetch(signed)[0] == 200


def test_pages_allow_images_from_the_bucket_in_their_csp(s3_bucket, client):
    from django.conf import settings

    from config.storage_url import image_origins

    report = make_report(image=True)
    signed, _response = follow(client, report.image.url)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(signed))

    assert image_origins(settings.STORAGES) == [origin]


def test_a_rendition_missing_from_the_bucket_falls_back_to_its_image(
    s3_bucket, client, committed
):
    from django.core.files.storage import default_storage

    with committed():
        report = make_report(image=True)
    rendition = f"{report.image.name}.w64.webp"
    default_storage.delete(rendition)

    response = client.get(f"/media/{rendition}")

    assert response.status_code == 302
    assert response["Location"] == report.image.url
    assert follow(client, report.image.url)[0].startswith(s3_bucket.endpoint)
