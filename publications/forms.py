"""The listing's filter form (see publications.filters) and its select options."""

import hashlib

from django import forms
from django.utils.translation import gettext_lazy as _

from publications.caching import remember, remember_each
from publications.facets import (
    all_facet_counts,
    indexed_listing_choices,
    other_filters,
)
from publications.filters import FILTERS, PublicationFilters
from publications.widgets import (
    PrerenderedSelect,
    counted_options,
    has_option,
    optgroup_markup,
    options_markup,
)


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
            if current not in (None, "") and not has_option(markup, current):
                # Keep the current choice visible, even when it lists nothing.
                label = labels.get(str(current), str(current))
                markup += options_markup([(current, f"{label} (0)")])
            # A CharField gives its widget a maxlength, which no select has.
            attrs = {k: v for k, v in field.widget.attrs.items() if k != "maxlength"}
            field.widget = PrerenderedSelect(markup, attrs=attrs)
            self.option_labels[name] = labels


def listing_options(filters, *, fields, now=None):
    """Return the options of *fields* for a listing narrowed by *filters*.

    *filters* are filter_publications arguments. Each field counts what
    choosing its options would list under the other filters (see
    publications.facets). A field no other filter narrows shows the
    options of the whole listing, kept in each process; a narrowed one is
    remembered by the filters that narrow it, not by the whole combination:
    ?type=a&topic=b and ?type=c&topic=b share their type options.
    """
    whole = remember(
        # Not "filter-options": entries of that name hold the options alone.
        "listing-options",
        lambda: _whole_listing_options(now),
        now=now,
        in_process=True,
    )
    options, narrowed = {}, {}
    for field in fields:
        others = other_filters(field, filters)
        if others:
            key = repr(sorted(others.items()))
            digest = hashlib.sha256(key.encode()).hexdigest()[:32]
            narrowed[f"facet-options:{field}:{digest}"] = field
        else:
            options[field] = whole["options"][field]

    def build(names):
        counts = all_facet_counts([narrowed[name] for name in names], filters, now=now)
        return {
            name: (
                _counted_markup(field, whole["counted"][field], counts[field]),
                whole["options"][field][1],
            )
            for name, field in ((name, narrowed[name]) for name in names)
        }

    remembered = remember_each(list(narrowed), build, family="facet-options")
    options.update((narrowed[name], value) for name, value in remembered.items())
    return options


def _whole_listing_options(now):
    # Counted from the facet index, which is kept current: cheap to rebuild
    # after each change (selectors.listing_choices() counts in SQL).
    return _whole_listing_options_from(indexed_listing_choices(now=now))


def _whole_listing_options_from(choices):
    # The whole listing's markup is joined from the counted parts, as a
    # narrowed listing's is, rather than escaping every name a second time.
    counted, options = {}, {}
    for name, (key, value_key) in _CHOICE_ROWS.items():
        rows = choices[key]
        counted[name] = _counted_options(name, choices)
        live = {str(row[value_key]): row["count"] for row in rows}
        names = {
            str(row[value_key]): str(row.get("name", row[value_key])) for row in rows
        }
        options[name] = (_counted_markup(name, counted[name], live), names)
    return {"options": options, "counted": counted}


def _counted_options(name, choices):
    """Return field *name*'s options as (value, kind, markup parts).

    The parts go either side of a count (widgets.counted_options): a page
    narrowed by other filters joins its counts in, where writing 2,500
    options afresh took 12 ms.
    """
    key, value_key = _CHOICE_ROWS[name]
    rows = choices[key]
    parts = counted_options(
        [(row[value_key], row.get("name", row[value_key])) for row in rows]
    )
    return [
        (str(row[value_key]), row.get("kind"), part)
        for row, part in zip(rows, parts, strict=True)
    ]


def _counted_markup(name, counted, counts):
    """Return field_options(name, choices, counts)'s markup from _counted_options()."""

    def joined(kind=None):
        return "".join(
            f"{head}{counts[value]}{tail}"
            for value, option_kind, (head, tail) in counted
            if counts.get(value) and (kind is None or option_kind == kind)
        )

    markup = options_markup([("", str(FILTERS[name].all_label))])
    if name != "type":
        return markup + joined()
    for kind, label in _TYPE_GROUPS:
        options = joined(kind)
        if options:
            markup += optgroup_markup(str(label), options)
    return markup


# Each field's rows in selectors.listing_choices() data, and their value key.
_CHOICE_ROWS = {
    "type": ("types", "slug"),
    "topic": ("topics", "slug"),
    "series": ("series", "slug"),
    "author": ("authors", "slug"),
    "year": ("years", "year"),
}


def filter_options(choices):
    """Return the filter form's options: {field: (markup, {value: name})}.

    *choices* is selectors.listing_choices() data, every option with its
    live count. The result is plain strings and dicts, so the listing can
    remember it in a shared cache.
    """
    return _whole_listing_options_from(choices)["options"]


_TYPE_GROUPS = (("report", _("Reports")), ("related", _("Analysis and commentary")))
