"""FOLIO_STORAGE_URL: local folders by default, a bucket when named, else refused."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.storage_url import LOCAL_STORAGES, image_origins, media_storages
from tests.subprocesses import production_env, run_python


@pytest.mark.parametrize("url", [None, "", "  ", "file:", "file://"])
def test_without_a_bucket_uploads_stay_in_local_folders(url):
    assert media_storages(url) == LOCAL_STORAGES
    assert image_origins(LOCAL_STORAGES) == []


def test_an_s3_url_gives_a_public_and_a_private_folder_of_one_bucket():
    storages = media_storages(
        "s3://media-bucket/folio/site/?endpoint_url=https://minio.example.org:9000"
        "&region_name=eu-west-1&addressing_style=path&url_seconds=120"
    )

    common = {
        "bucket_name": "media-bucket",
        "endpoint_url": "https://minio.example.org:9000",
        "region_name": "eu-west-1",
        "addressing_style": "path",
        "querystring_expire": 120,
    }
    assert storages == {
        "default": {
            "BACKEND": "core.s3_storage.PublicS3Storage",
            "OPTIONS": {**common, "location": "folio/site/public"},
        },
        "private": {
            "BACKEND": "core.s3_storage.PrivateS3Storage",
            "OPTIONS": {**common, "location": "folio/site/private"},
        },
    }
    assert image_origins(storages) == ["https://minio.example.org:9000"]


def test_aws_buckets_sign_urls_for_ten_minutes_from_their_own_host():
    storages = media_storages("s3://media-bucket?region_name=eu-west-1")

    assert storages["private"]["OPTIONS"] == {
        "bucket_name": "media-bucket",
        "region_name": "eu-west-1",
        "querystring_expire": 600,
        "location": "private",
    }
    assert image_origins(storages) == [
        "https://media-bucket.s3.amazonaws.com",
        "https://media-bucket.s3.eu-west-1.amazonaws.com",
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("gs://bucket/media", "must start with s3://"),
        ("/srv/media", "must start with s3://"),
        ("s3://key:secret@bucket", "must not hold credentials"),
        ("s3:///prefix", "names no bucket"),
        ("s3://bucket?endpoint=https://x", "unknown option 'endpoint'"),
        ("s3://bucket?url_seconds=soon", "url_seconds must be"),
        ("s3://bucket?url_seconds=10", "url_seconds must be"),
        ("s3://bucket?addressing_style=dns", "addressing_style must be"),
    ],
)
def test_a_url_folio_cannot_use_is_refused_with_the_reason(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        media_storages(url)


def test_production_refuses_to_start_with_an_unknown_scheme():
    result = run_python(
        "import django; django.setup()",
        **production_env(FOLIO_STORAGE_URL="ftp://files.example.org/media"),
    )

    assert result.returncode != 0
    assert "FOLIO_STORAGE_URL must start with s3://" in result.stderr
