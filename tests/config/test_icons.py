"""The site's icons: /favicon.ico, the app icons and the web manifest."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_to_the_static_icon_outside_the_page_cache(
    client, django_assert_num_queries
):
    # Not even the content version is read for it.
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]


def test_favicon_ico_holds_the_usual_sizes():
    with Image.open(finders.find("img/favicon.ico")) as icon:
        assert icon.format == "ICO"
        assert icon.info["sizes"] == {(16, 16), (32, 32), (48, 48)}


def test_pages_link_the_icons_and_a_manifest_whose_icons_exist(client):
    content = client.get("/").content.decode()
    for name in ("img/favicon.ico", "img/apple-touch-icon.png", "site.webmanifest"):
        assert f'href="{static(name)}"' in content

    with open(finders.find("site.webmanifest")) as manifest_file:
        manifest = json.load(manifest_file)
    for icon in manifest["icons"]:
        width, height = map(int, icon["sizes"].split("x"))
        with Image.open(finders.find(icon["src"])) as image:
            assert image.size == (width, height)
    with Image.open(finders.find("img/apple-touch-icon.png")) as touch:
        # iOS puts transparent corners on black; the icon is opaque.
        assert (touch.size, touch.mode) == ((180, 180), "RGB")
