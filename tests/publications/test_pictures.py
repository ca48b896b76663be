"""Pages show images through their renditions: srcset, sizes, width and height."""

import io
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from core.renditions import planned, rendition_names
from publications.caching import forget_in_process
from publications.models import Publication
from tests.factories import (
    image_bytes,
    make_author,
    make_related,
    make_report,
)

pytestmark = pytest.mark.django_db


class _Images(HTMLParser):
    """Collect the <img> and <source> tags of a page, and its meta properties."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.meta = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"img", "source"}:
            self.tags.append((tag, attrs))
        elif tag == "meta" and "property" in attrs:
            self.meta[attrs["property"]] = attrs["content"]


def _parse(response):
    assert response.status_code == 200
    parser = _Images()
    parser.feed(response.content.decode())
    return parser


def _stored(url):
    """Return the stored image at media *url*, opened and loaded."""
    name = url.removeprefix("http://127.0.0.1:8000").removeprefix("/media/")
    with default_storage.open(name, "rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def _uploaded(tag, attrs):
    return tag == "img" and attrs["src"].startswith("/media/")


def _srcset(value):
    return [
        (url, int(width.removesuffix("w")))
        for url, width in (entry.split() for entry in value.split(", "))
    ]


def _with_cover(publication, size):
    publication.image_alt = "Cover image"
    data = image_bytes(image_format="JPEG", size=size)
    publication.image.save("cover.jpg", ContentFile(data))


@pytest.fixture
def report(committed):
    """A live report with an 800 × 480 cover, two portraits and three related items."""
    with committed():
        authors = [make_author(name=name, photo=True) for name in ("Ann", "Bo")]
        report = make_report(tags=["Sahel"], authors=authors)
        _with_cover(report, (800, 480))
        for number in range(3):
            make_related(title=f"Related {number}", tags=["Sahel"], image=True)
    return report


def test_every_srcset_width_is_the_width_of_its_file(client, report):
    page = _parse(client.get(report.get_absolute_url()))

    pictures = [attrs for tag, attrs in page.tags if "srcset" in attrs]
    # The cover, two portraits and three related items: a WebP source each.
    assert len(pictures) == 12
    for attrs in pictures:
        assert attrs["sizes"]
        for url, width in _srcset(attrs["srcset"]):
            image = _stored(url)
            assert image.width == width, url
            if attrs.get("type") == "image/webp":
                assert image.format == "WEBP", url
    cover_sources = _srcset(next(attrs["srcset"] for attrs in pictures))
    assert [width for _url, width in cover_sources] == [320, 640, 800]


def test_images_have_their_size_and_only_the_cover_loads_at_once(client, report):
    page = _parse(client.get(report.get_absolute_url()))

    images = [attrs for tag, attrs in page.tags if tag == "img" and "srcset" in attrs]
    cover, *below = images
    assert cover["src"].endswith("/cover.jpg.w640.jpg")
    assert (cover["width"], cover["height"]) == ("640", "384")
    assert (cover["loading"], cover["fetchpriority"]) == ("eager", "high")
    assert len(below) == 5
    for attrs in [cover, *below]:
        image = _stored(attrs["src"])
        assert image.size == (int(attrs["width"]), int(attrs["height"]))
        assert attrs["decoding"] == "async"
    for attrs in below:
        assert attrs["loading"] == "lazy" and "fetchpriority" not in attrs


def test_the_open_graph_image_is_the_card_with_its_size(client, report):
    page = _parse(client.get(report.get_absolute_url()))

    card = page.meta["og:image"]
    assert card.endswith("/cover.jpg.og.jpg")
    # 1200 × 630 in shape, no larger than the 800 × 480 cover allows.
    assert (page.meta["og:image:width"], page.meta["og:image:height"]) == (
        "800",
        "420",
    )
    image = _stored(card)
    assert (image.format, image.size) == ("JPEG", (800, 420))


def test_cards_and_the_featured_report_show_renditions(client, report):
    home = _parse(client.get(reverse("publications:home")))
    listing = _parse(client.get(reverse("publications:publication-list")))

    featured = next(attrs for tag, attrs in home.tags if _uploaded(tag, attrs))
    assert featured["src"].endswith("/cover.jpg.w640.jpg")
    assert featured["fetchpriority"] == "high"
    thumbnails = [
        attrs
        for tag, attrs in listing.tags
        if tag == "source" and "-thumb.jpg" in attrs["srcset"]
    ]
    assert len(thumbnails) == 4
    for attrs in thumbnails:
        assert [width for _url, width in _srcset(attrs["srcset"])] == [320, 480]
        assert attrs["sizes"] == "(max-width: 36rem) 6.5rem, 13rem"


def test_an_image_of_unknown_size_is_shown_alone(client, report):
    Publication.objects.filter(pk=report.pk).update(image_width=None)

    page = _parse(client.get(report.get_absolute_url()))

    cover = next(attrs for tag, attrs in page.tags if _uploaded(tag, attrs))
    assert cover["src"] == report.image.url
    assert "srcset" not in cover and "width" not in cover
    assert page.meta["og:image"].endswith(report.image.url)
    assert "og:image:width" not in page.meta


def _queries(client, url):
    """Count a page's queries with nothing cached, its related items stored.

    An item's related items are ranked and stored the first time its page
    is read (publications.derived); the count is that of every later read.
    """
    client.get(url)
    cache.clear()
    forget_in_process()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_renditions_add_no_queries(client, report):
    plain = make_report(
        tags=["Mali"], authors=[make_author(name="Cy"), make_author(name="Di")]
    )
    for number in range(3):
        make_related(title=f"Plain {number}", tags=["Mali"])

    assert _queries(client, report.get_absolute_url()) == _queries(
        client, plain.get_absolute_url()
    )
    listing = reverse("publications:publication-list")
    with_images = _queries(client, listing)
    Publication.objects.update(image="", thumbnail="", image_width=None)
    assert _queries(client, listing) == with_images


def test_make_renditions_fills_in_what_older_images_lack(committed):
    report = make_report(image=True)  # never committed: no renditions made
    Publication.objects.filter(pk=report.pk).update(image_width=None, image_height=None)
    out = io.StringIO()

    call_command("make_renditions", "--unsized", stdout=out)

    report.refresh_from_db()
    assert (report.image_width, report.image_height) == (64, 48)
    expected = planned(report.image.name, (64, 48), with_card=True)
    assert sorted(rendition_names(default_storage, report.image.name)) == sorted(
        rendition.name for rendition in expected
    )
    assert len(rendition_names(default_storage, report.thumbnail.name)) == 3
    assert out.getvalue().strip() == "Made 5 renditions."
    default_storage.delete(expected[0].name)

    call_command("make_renditions", "--unsized", stdout=out)
    assert out.getvalue().strip().endswith("Made 0 renditions.")
    call_command("make_renditions", stdout=out)
    assert out.getvalue().strip().endswith("Made 1 rendition.")
    assert default_storage.exists(expected[0].name)
