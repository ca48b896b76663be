"""The listing's filter form (see publications.filters) and its select options."""

from django import forms
from django.utils.translation import gettext_lazy as _

from publications.filters import FILTERS, PublicationFilters
from publications.widgets import PrerenderedSelect, options_markup


class PublicationFilterForm(PublicationFilters):
    """The listing's filters; a value that does not parse is left out."""

    filter_names = ("q", "type", "topic", "series", "author", "year")
    widgets = {
        "q": forms.SearchInput(attrs={"placeholder": _("Words, authors or topics")}),
        "year": forms.Select,
    }

    def __init__(self, *args, options=None, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in exclude:
            del self.fields[name]
        self.option_labels = {}
        if options is not None:
            self._set_options(options)

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
        """Return the human name of *value* in field *name*'s options."""
        return self.option_labels.get(name, {}).get(str(value), str(value))

    def _set_options(self, options):
        for name, field in self.fields.items():
            if name not in options:
                continue
            markup, labels = options[name]
            current = self.initial.get(name)
            if current not in (None, "") and str(current) not in labels:
                # Keep an unknown value visible as the current choice.
                markup += options_markup([(current, f"{current} (0)")])
            # A CharField gives its widget a maxlength, which no select has.
            attrs = {k: v for k, v in field.widget.attrs.items() if k != "maxlength"}
            field.widget = PrerenderedSelect(markup, attrs=attrs)
            self.option_labels[name] = labels


def filter_options(choices):
    """Return the filter form's options: {field: (markup, {value: name})}.

    *choices* is selectors.listing_choices() data. The result is plain
    strings and dicts, so the listing can remember it in a shared cache.
    """
    fields = {
        "type": _grouped_types(choices["types"]),
        "topic": _options(choices["topics"], "slug", "name"),
        "series": _options(choices["series"], "slug", "name"),
        "author": _options(choices["authors"], "slug", "name"),
        "year": _options(choices["years"], "year", "year"),
    }
    options = {}
    for name, field_choices in fields.items():
        labelled = [("", str(FILTERS[name].all_label)), *field_choices]
        names = {
            str(value): plain for value, _label, plain in _flat_choices(field_choices)
        }
        options[name] = (options_markup(_labels_only(labelled)), names)
    return options


def _options(rows, value_key, name_key):
    return [
        (row[value_key], f"{row[name_key]} ({row['count']})", str(row[name_key]))
        for row in rows
    ]


def _grouped_types(rows):
    groups = {"report": [], "related": []}
    for row in rows:
        groups.setdefault(row["kind"], []).append(
            (row["slug"], f"{row['name']} ({row['count']})", row["name"])
        )
    grouped = []
    if groups["report"]:
        grouped.append((str(_("Reports")), groups["report"]))
    if groups["related"]:
        grouped.append((str(_("Analysis and commentary")), groups["related"]))
    return grouped


def _labels_only(choices):
    """Return *choices* as (value, label) pairs, groups kept."""
    return [
        (value, [option[:2] for option in label])
        if isinstance(label, list)
        else (value, label)
        for value, label, *_plain in choices
    ]


def _flat_choices(choices):
    for value, label, *plain in choices:
        if isinstance(label, list):
            yield from label
        else:
            yield value, label, *plain
