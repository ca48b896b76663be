"""One filter definition, parsed the same way by the listing, page and command."""

import inspect
from datetime import date

import pytest

from publications.admin.export_page import PublicationExportForm
from publications.filters import FILTERS, PublicationFilters
from publications.forms import PublicationFilterForm
from publications.management.commands.export_publications import ExportFilters
from publications.selectors import filter_publications
from tests.factories import make_author

pytestmark = pytest.mark.django_db


class _Lenient(PublicationFilters):
    filter_names = ("author", "since", "until")


class _Strict(_Lenient):
    must_exist = True


def test_every_front_end_offers_only_defined_filters_with_selector_arguments():
    arguments = inspect.signature(filter_publications).parameters
    for form in (PublicationFilterForm, PublicationExportForm, ExportFilters):
        assert set(form.filter_names) <= set(FILTERS)
    for name, definition in FILTERS.items():
        assert definition.argument is None or definition.argument in arguments, name


def test_a_slug_naming_nothing_matches_nothing_or_is_an_error_where_it_must_exist():
    make_author(slug="ann")

    lenient, strict = _Lenient({"author": "nobody"}), _Strict({"author": "nobody"})

    assert lenient.filters() == {"author_slug": "nobody"}
    assert not strict.is_valid()
    assert strict.errors.as_data()["author"][0].code == "invalid_choice"
    assert _Strict({"author": "ann"}).filters() == {"author_slug": "ann"}


def test_a_year_range_becomes_inclusive_dates():
    form = PublicationExportForm({"year_from": "2024", "year_to": "2025"})

    assert form.filters() == {
        "since": date(2024, 1, 1),
        "until": date(2025, 12, 31),
    }


@pytest.mark.parametrize("value", ["2025/01/01", "1 May 2025", "05/01/2025"])
def test_dates_are_iso_dates_only(value):
    form = _Lenient({"since": value})

    assert not form.is_valid()
    assert form.errors.as_data()["since"][0].code == "invalid"
    assert _Lenient({"since": "2025-05-01"}).filters() == {"since": date(2025, 5, 1)}


def test_a_range_ending_before_it_starts_is_an_error():
    form = _Lenient({"since": "2025-02-01", "until": "2025-01-01"})

    assert not form.is_valid()
    assert form.non_field_errors() == [
        "The first date must not be after the last date."
    ]
