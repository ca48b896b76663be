"""The filters of a list of publications, defined once for every front end.

The public listing, the staff export page and the export_publications
command each offer some of FILTERS by name, through a PublicationFilters
form. A filter says how its value is parsed and checked (its form field)
and which argument of selectors.filter_publications it sets; the front end
says which filters it offers and words their errors.

A slug that names nothing gives an empty list on the listing, where links
may outlive what they name, and is an error on the exports (must_exist),
where a typing mistake would otherwise give an empty file.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug, validate_unicode_slug
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from authors.models import Author
from publications.models import Publication, PublicationType, Series
from publications.selectors import filter_publications
from publications.states import State

# Longer than any slug Folio stores (tags: 100, others: 200) and any sane query.
MAX_SLUG_LENGTH = 200
MAX_QUERY_LENGTH = 200
# Older and later years cannot hold items, and the database's date range
# arithmetic must stay far from year 1 and 9999.
MIN_YEAR, MAX_YEAR = 1000, 2999

ALL_STATES = "all"
# The default first, so a select with nothing chosen shows what is exported.
STATUS_CHOICES = [
    (State.LIVE.value, State.LIVE.label),
    *[(value, label) for value, label in State.choices if value != State.LIVE],
    (ALL_STATES, _("All")),
]


def publications_in_status(status, *, now=None):
    """Return the publications in derived *status*, or all for ALL_STATES.

    The base set of the exports, before the other filters.
    """
    # Unpublished changes to a published item are part of it, not an item.
    publications = Publication.objects.filter(draft_of=None)
    if status == ALL_STATES:
        return publications
    return publications.in_state(status, now=now)


class Filter:
    """One filter: its label, its form field, the selector argument it sets."""

    def __init__(self, label, argument, *, all_label=None):
        self.label = label
        self.argument = argument  # of filter_publications; None for the status
        self.all_label = all_label  # the choice that leaves the filter off

    def field(self, *, must_exist=False, **options):
        """Return a form field parsing the filter's value; *options* go to it."""
        raise NotImplementedError

    def selector_value(self, value):
        """Return the filter_publications value for a parsed *value*."""
        return value


class SearchFilter(Filter):
    def field(self, *, must_exist=False, **options):
        return forms.CharField(
            label=self.label, required=False, max_length=MAX_QUERY_LENGTH, **options
        )


class SlugField(forms.CharField):
    """A well-formed slug, whether or not anything has it."""

    widget = forms.Select

    def __init__(self, *, allow_unicode=False, **kwargs):
        validator = validate_unicode_slug if allow_unicode else validate_slug
        super().__init__(
            required=False,
            max_length=MAX_SLUG_LENGTH,
            validators=[validator],
            **kwargs,
        )


class SlugFilter(Filter):
    """A type, topic, series or author, named by its slug."""

    def __init__(self, label, argument, queryset, *, allow_unicode=False, **kwargs):
        super().__init__(label, argument, **kwargs)
        self.queryset = queryset
        self.allow_unicode = allow_unicode

    def field(self, *, must_exist=False, **options):
        if must_exist:
            return forms.ModelChoiceField(
                self.queryset,
                to_field_name="slug",
                required=False,
                label=self.label,
                empty_label=self.all_label,
                **options,
            )
        return SlugField(label=self.label, allow_unicode=self.allow_unicode, **options)

    def selector_value(self, value):
        # A field that checks the slug gives the object it names.
        return value.slug if isinstance(value, models.Model) else value


class YearFilter(Filter):
    """A year of the publish date, or (with *month_day*) one end of a range."""

    def __init__(self, label, argument, *, month_day=None, **kwargs):
        super().__init__(label, argument, **kwargs)
        self.month_day = month_day

    def field(self, *, must_exist=False, **options):
        return forms.IntegerField(
            label=self.label,
            required=False,
            min_value=MIN_YEAR,
            max_value=MAX_YEAR,
            **options,
        )

    def selector_value(self, value):
        return date(value, *self.month_day) if self.month_day else value


class IsoDateField(forms.DateField):
    """A date written YYYY-MM-DD, whatever the locale's input formats."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None


class DateFilter(Filter):
    def field(self, *, must_exist=False, **options):
        return IsoDateField(label=self.label, required=False, **options)


class StatusFilter(Filter):
    """Which derived state to take, or all: the base set, not a selector argument."""

    def field(self, *, must_exist=False, **options):
        return forms.ChoiceField(
            label=self.label, choices=STATUS_CHOICES, required=False, **options
        )


FILTERS = {
    "status": StatusFilter(_("Status"), None),
    "q": SearchFilter(_("Search"), "query"),
    "type": SlugFilter(
        _("Type"),
        "type_slug",
        PublicationType.objects.all(),
        all_label=_("All types"),
    ),
    "topic": SlugFilter(
        _("Topic"),
        "topic_slug",
        Tag.objects.order_by("name"),
        allow_unicode=True,
        all_label=_("All topics"),
    ),
    "series": SlugFilter(
        _("Series"), "series_slug", Series.objects.all(), all_label=_("All series")
    ),
    "author": SlugFilter(
        _("Author"), "author_slug", Author.objects.all(), all_label=_("All authors")
    ),
    "year": YearFilter(_("Year"), "year", all_label=_("Any year")),
    "year_from": YearFilter(_("From year"), "since", month_day=(1, 1)),
    "year_to": YearFilter(_("To year"), "until", month_day=(12, 31)),
    "since": DateFilter(_("Published on or after"), "since"),
    "until": DateFilter(_("Published on or before"), "until"),
}
# Filters bounding a range, and what is said when the first comes after the last.
RANGES = {
    ("year_from", "year_to"): _("The first year must not be after the last year."),
    ("since", "until"): _("The first date must not be after the last date."),
}


class PublicationFilters(forms.Form):
    """A form of the FILTERS named in filter_names, in that order.

    must_exist makes a slug that names nothing an error; widgets (by
    filter name) say how the front end shows a field.
    """

    filter_names = ()
    must_exist = False
    widgets = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.filter_names:
            options = {"widget": self.widgets[name]} if name in self.widgets else {}
            self.fields[name] = FILTERS[name].field(
                must_exist=self.must_exist, **options
            )

    def clean(self):
        cleaned_data = super().clean()
        for (first, last), message in RANGES.items():
            start, end = cleaned_data.get(first), cleaned_data.get(last)
            if start and end and start > end:
                self.add_error(
                    None,
                    ValidationError(
                        message,
                        code="reversed_range",
                        params={"first": first, "last": last},
                    ),
                )
        return cleaned_data

    def filters(self):
        """Return filter_publications keyword arguments for the valid values."""
        self.is_valid()
        return {
            FILTERS[name].argument: FILTERS[name].selector_value(value)
            for name, value in self.cleaned_data.items()
            if value not in (None, "") and FILTERS[name].argument
        }

    def publications(self):
        """Return the matching publications, newest first (form must be valid)."""
        status = self.cleaned_data.get("status") or State.LIVE
        return filter_publications(
            publications_in_status(status), **self.filters()
        ).newest_first()
