"""The migration that splits existing authors' names into their parts."""

import importlib

import pytest
from django.apps import apps

from authors.models import Author
from publications.caching.versions import content_version, forget_version
from tests.factories import make_author

pytestmark = pytest.mark.django_db

migration = importlib.import_module("authors.migrations.0002_author_name_parts")
refresh = importlib.import_module(
    "publications.migrations.0009_refresh_after_author_name_parts"
)


def test_existing_names_are_split_last_word_family_one_word_single():
    make_author(name="Helena Marsh", slug="marsh")
    make_author(name="Amara N. Okafor", slug="okafor")
    make_author(name="Plato", slug="plato")
    make_author(name="Wu Xinbo", slug="wu", given_names="Xinbo", family_name="Wu")
    # As they were before the migration: no parts, except one already set.
    Author.objects.exclude(slug="wu").update(given_names="", family_name="")

    migration.fill_name_parts(apps, None)

    parts = dict(
        (slug, (given, family))
        for slug, given, family in Author.objects.values_list(
            "slug", "given_names", "family_name"
        )
    )
    assert parts == {
        "marsh": ("Helena", "Marsh"),
        "okafor": ("Amara N.", "Okafor"),
        "plato": ("", "Plato"),
        "wu": ("Xinbo", "Wu"),
    }


def test_the_content_version_moves_on_after_the_split():
    before = content_version()

    refresh.move_version_on(apps, None)

    forget_version()
    assert content_version() == before + 1
