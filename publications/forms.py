"""The listing's filter form: every field optional, malformed values ignored."""

from django import forms
from django.core.validators import validate_slug, validate_unicode_slug
from django.utils.translation import gettext_lazy as _

# Longer than any slug Folio stores (tags: 100, others: 200) and any sane query.
MAX_SLUG_LENGTH = 200
MAX_QUERY_LENGTH = 200

# Field name -> keyword argument of selectors.filter_publications.
FILTER_ARGUMENTS = {
    "type": "type_slug",
    "topic": "topic_slug",
    "series": "series_slug",
    "author": "author_slug",
    "year": "year",
    "q": "query",
}


class _SlugChoiceField(forms.CharField):
    """A slug chosen from a list, accepted even when it matches nothing.

    A well-formed slug that matches nothing gives an empty list rather than
    being silently dropped; a malformed one is a field error.
    """

    widget = forms.Select

    def __init__(self, *, allow_unicode=False, **kwargs):
        validator = validate_unicode_slug if allow_unicode else validate_slug
        super().__init__(
            required=False,
            max_length=MAX_SLUG_LENGTH,
            validators=[validator],
            **kwargs,
        )


class PublicationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput(attrs={"placeholder": _("Title, teaser or author")}),
    )
    type = _SlugChoiceField(label=_("Type"))
    topic = _SlugChoiceField(label=_("Topic"), allow_unicode=True)
    series = _SlugChoiceField(label=_("Series"))
    author = _SlugChoiceField(label=_("Author"))
    # Older and later years cannot hold items, and the database's date range
    # arithmetic must stay far from year 1 and 9999.
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1000,
        max_value=2999,
        widget=forms.Select,
    )

    def __init__(self, *args, choices=None, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in exclude:
            del self.fields[name]
        if choices is not None:
            self._set_choices(choices)

    def filters(self):
        """Return filter_publications keyword arguments for the valid fields."""
        self.is_valid()
        return {
            FILTER_ARGUMENTS[name]: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }

    def values(self):
        """Return the valid, non-empty values by field name."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }

    def ignored_fields(self):
        """Return the labels of the fields whose values were not understood."""
        self.is_valid()
        return [str(self.fields[name].label) for name in self.errors]

    def label_for(self, name, value):
        """Return the human name of *value* in field *name*'s choices."""
        choices = getattr(self.fields[name].widget, "choices", ())
        for option_value, label in _flat_choices(choices):
            if str(option_value) == str(value):
                return getattr(label, "plain_name", label)
        return str(value)

    def _set_choices(self, choices):
        any_label = {
            "type": _("All types"),
            "topic": _("All topics"),
            "series": _("All series"),
            "author": _("All authors"),
            "year": _("Any year"),
        }
        options = {
            "type": _grouped_types(choices["types"]),
            "topic": _options(choices["topics"], "slug", "name"),
            "series": _options(choices["series"], "slug", "name"),
            "author": _options(choices["authors"], "slug", "name"),
            "year": _options(choices["years"], "year", "year"),
        }
        for name, field in self.fields.items():
            if name not in options:
                continue
            field_choices = [("", any_label[name]), *options[name]]
            current = self.initial.get(name)
            known = {str(v) for v, _label in _flat_choices(field_choices)}
            if current not in (None, "") and str(current) not in known:
                # Keep an unknown value visible as the current choice.
                field_choices.append((current, _Label(current, 0)))
            field.widget.choices = field_choices


class _Label(str):
    """An option label "Name (count)" that remembers the plain name."""

    def __new__(cls, name, count):
        label = super().__new__(cls, f"{name} ({count})")
        label.plain_name = str(name)
        return label


def _options(rows, value_key, name_key):
    return [(row[value_key], _Label(row[name_key], row["count"])) for row in rows]


def _grouped_types(rows):
    groups = {"report": [], "related": []}
    for row in rows:
        groups.setdefault(row["kind"], []).append(
            (row["slug"], _Label(row["name"], row["count"]))
        )
    grouped = []
    if groups["report"]:
        grouped.append((_("Reports"), groups["report"]))
    if groups["related"]:
        grouped.append((_("Analysis and commentary"), groups["related"]))
    return grouped


def _flat_choices(choices):
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label
