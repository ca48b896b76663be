"""Public pages are marked for a shared cache; nothing private ever is."""

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publications.caching import purge_backends
from publications.caching.surrogates import EVERYTHING
from publications.caching.versions import public_content_changed
from publications.models import ContentVersion, KeyChange
from tests.factories import make_author, make_report, make_series, make_user
from tests.purge_backends import RECORDING

pytestmark = pytest.mark.django_db


@pytest.fixture
def purging(settings):
    settings.FOLIO_PURGE_BACKEND = RECORDING
    settings.FOLIO_HTTP_CACHE_SECONDS = 300


def _keys(response):
    return set(response["xkey"].split())


def test_a_public_page_gets_s_maxage_and_the_keys_of_what_it_shows(client, purging):
    author, series = make_author(), make_series()
    report = make_report(authors=[author], series=series)
    topic = report.tags.get()
    related = make_report(tags=[topic.name])
    for _ in range(2):  # built, then from the page cache
        response = client.get(report.get_absolute_url())
        assert "s-maxage=300" in response["Cache-Control"]
        # Its own item, the item it shows as related, its series box, its
        # author's bio.
        assert _keys(response) == {
            "folio",
            f"publication-{report.pk}",
            f"publication-{related.pk}",
            f"series-{series.pk}",
            f"profile-{author.pk}",
        }
    # Lists: their own keys, and the keys of the cards they show.
    assert _keys(client.get(author.get_absolute_url())) == {
        "folio",
        f"author-{author.pk}",
        f"publication-{report.pk}",
    }
    assert _keys(client.get(f"/topics/{topic.slug}/")) == {
        "folio",
        f"topic-{topic.pk}",
        f"publication-{report.pk}",
        f"publication-{related.pk}",
    }
    assert _keys(client.get("/publications/?topic=x&utm=1")) == {"folio", "listing"}
    filtered = client.get(
        f"/publications/?type={report.publication_type.slug}&year=2020&q=water"
    )
    assert _keys(filtered) == {
        "folio",
        f"list-type-{report.publication_type.slug}",
        "list-year-2020",
        "search",
    }
    assert _keys(client.get("/publications/")) == {
        "folio",
        "listing",
        f"publication-{report.pk}",
        f"publication-{related.pk}",
    }
    assert _keys(client.get("/feeds/publications/")) == {"folio", "feed"}
    assert _keys(client.get(f"/feeds/topics/{topic.slug}/")) == {
        "folio",
        "feed",
        f"topic-{topic.pk}",
    }


def test_signed_in_staff_and_missing_pages_are_never_marked(client, purging):
    report = make_report()
    assert client.get("/publications/no-such-item/").status_code == 404
    assert "xkey" not in client.get("/publications/no-such-item/")
    client.force_login(make_user(is_superuser=True))
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    assert "xkey" not in response
    assert "s-maxage" not in response.get("Cache-Control", "")


def test_nothing_is_marked_without_a_purge_backend(client, settings):
    settings.FOLIO_PURGE_BACKEND = ""
    response = client.get(make_report().get_absolute_url())
    assert "xkey" not in response
    assert "s-maxage" not in response["Cache-Control"]


def _change_committed_here(**kwargs):
    public_content_changed()


def _change_committed_elsewhere(**kwargs):
    """What another server's commit leaves: a newer version, every key changed.

    Written to the rows directly, so this request's memory of the version
    it read stays as it was.
    """
    ContentVersion.objects.update(version=F("version") + 1)
    newest = ContentVersion.objects.values_list("version", flat=True).get()
    KeyChange.objects.update_or_create(key=EVERYTHING, defaults={"changed_at": newest})


@pytest.mark.parametrize(
    ("change_meanwhile", "page_cache_seconds"),
    [
        (_change_committed_here, 3600),
        (_change_committed_elsewhere, 3600),
        (_change_committed_elsewhere, 0),
    ],
    ids=["in-this-request", "on-another-server", "on-another-server-no-page-cache"],
)
def test_a_page_built_while_a_change_committed_is_not_marked(
    client, purging, settings, change_meanwhile, page_cache_seconds
):
    settings.FOLIO_PAGE_CACHE_SECONDS = page_cache_seconds
    report = make_report()
    client.get("/")  # the version row exists

    template_rendered.connect(change_meanwhile)
    try:
        response = client.get(report.get_absolute_url())
    finally:
        template_rendered.disconnect(change_meanwhile)

    assert response.status_code == 200
    assert "xkey" not in response
    assert "s-maxage" not in response.get("Cache-Control", "")
    assert "xkey" in client.get(report.get_absolute_url())  # built afresh now


def test_with_the_page_cache_off_pages_are_still_marked(client, purging, settings):
    settings.FOLIO_PAGE_CACHE_SECONDS = 0
    report = make_report()

    response = client.get(report.get_absolute_url())

    assert "s-maxage=300" in response["Cache-Control"]
    assert f"publication-{report.pk}" in _keys(response)


def test_a_page_cache_hit_marked_for_a_shared_cache_costs_one_query(client, purging):
    report = make_report()
    url = report.get_absolute_url()
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        count = len(queries)

    assert response["X-Cache"] == "hit"
    assert "s-maxage=300" in response["Cache-Control"]
    assert count == 1


def test_s_maxage_ends_when_a_scheduled_item_goes_live(client, purging):
    make_report(publish_at=timezone.now() + timedelta(seconds=100))
    response = client.get("/publications/")
    seconds = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 90 <= seconds <= 100


class _Opener:
    """Stand in for urllib's opener: keep the request, answer 200."""

    def __init__(self):
        self.requests = []

    def open(self, request, timeout):
        self.requests.append(request)
        return io.BytesIO(b"{}")


@pytest.mark.parametrize("name", ["cloudflare", "fastly"])
def test_cdn_backends_purge_by_key_through_their_api(settings, monkeypatch, name):
    settings.FOLIO_CLOUDFLARE_ZONE_ID = settings.FOLIO_FASTLY_SERVICE_ID = "zone1"
    opener = _Opener()
    monkeypatch.setattr(purge_backends.urllib.request, "build_opener", lambda: opener)
    backend = purge_backends.BACKENDS[name]()
    keys = [f"publication-{n}" for n in range(40)]
    backend.purge(keys)
    sent = []
    for request in opener.requests:
        assert request.get_method() == "POST"
        if name == "cloudflare":
            assert request.full_url.endswith("/zones/zone1/purge_cache")
            sent += json.loads(request.data)["tags"]
        else:
            assert request.full_url.endswith("/service/zone1/purge")
            sent += request.get_header("Surrogate-key").split()
    assert sorted(sent) == sorted(keys)
    header, value = backend.header({"b", "a"})
    assert (header, value) == (backend.key_header, backend.separator.join("ab"))


@pytest.fixture
def cloudfront(s3_server, monkeypatch):
    """Return a CloudFront client of the test run's moto server, as the app's."""
    import boto3

    from tests.object_storage import CREDENTIALS, REGION

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFRONT", s3_server.endpoint)
    return boto3.client("cloudfront")


def _distribution(client):
    origin = {
        "Id": "folio",
        "DomainName": "folio.example.org",
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": "https-only",
        },
    }
    made = client.create_distribution(
        DistributionConfig={
            "CallerReference": f"folio-test-{timezone.now().timestamp()}",
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "folio",
                "ViewerProtocolPolicy": "redirect-to-https",
                "ForwardedValues": {
                    "QueryString": True,
                    "Cookies": {"Forward": "none"},
                },
                "MinTTL": 0,
                "TrustedSigners": {"Enabled": False, "Quantity": 0},
            },
            "Comment": "",
            "Enabled": True,
        }
    )
    return made["Distribution"]["Id"]


def test_cloudfront_invalidates_every_path_of_its_distribution(settings, cloudfront):
    settings.FOLIO_CLOUDFRONT_DISTRIBUTION_ID = distribution = _distribution(cloudfront)
    backend = purge_backends.BACKENDS["cloudfront"]()
    backend.purge({f"publication-{n}" for n in range(300)})
    backend.purge({"listing"})
    listed = cloudfront.list_invalidations(DistributionId=distribution)
    made = listed["InvalidationList"]
    # One invalidation a purge, whatever its number of keys: CloudFront has none.
    assert made["Quantity"] == 2
    for item in made["Items"]:
        batch = cloudfront.get_invalidation(DistributionId=distribution, Id=item["Id"])
        assert batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/*"]


def test_cloudfront_refusing_or_unconfigured_is_an_error_to_retry_or_fix(
    settings, cloudfront
):
    backend = purge_backends.BACKENDS["cloudfront"]()
    settings.FOLIO_CLOUDFRONT_DISTRIBUTION_ID = "NO-SUCH-DISTRIBUTION"
    with pytest.raises(purge_backends.PurgeError, match="NoSuchDistribution"):
        backend.purge({"listing"})
    settings.FOLIO_CLOUDFRONT_DISTRIBUTION_ID = ""
    with pytest.raises(ImproperlyConfigured, match="FOLIO_CLOUDFRONT_DISTRIBUTION_ID"):
        backend.purge({"listing"})


def test_the_varnish_site_file_names_backends_purgers_and_host():
    out = io.StringIO()
    call_command(
        "write_varnish_site",
        "--backend=10.0.0.11:8000",
        "--backend=10.0.0.12:8000",
        "--purger=10.0.0.0/24",
        "--site-host=www.example.org",
        stdout=out,
    )
    vcl = out.getvalue()
    assert 'backend app_2 {\n    .host = "10.0.0.12";' in vcl
    assert '"10.0.0.0"/24;' in vcl
    assert '!= "www.example.org"' in vcl
    with pytest.raises(CommandError):
        call_command("write_varnish_site", "--backend=10.0.0.1", stdout=out)
    with pytest.raises(CommandError):
        call_command(
            "write_varnish_site", "--backend=a:1", "--purger=everyone", stdout=out
        )
