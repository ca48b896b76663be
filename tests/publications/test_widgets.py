"""The pre-rendered select writes exactly what Django's Select template writes."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from publications.forms import PublicationFilterForm, filter_options
from publications.widgets import PrerenderedSelect, counted_options, options_markup

CHOICES = [
    ("", _("All types")),
    ("Reports & briefs", [("a", 'A "quoted" <name>'), ("b", "B"), ("b", "B again")]),
    (2024, "2024"),
    ("x&y", "X & Y"),
    (None, "None"),
]


@pytest.mark.parametrize("value", ["b", "", 2024, None, "x&y", "unknown"])
def test_renders_the_same_html_as_select(value):
    select = forms.Select(attrs={"id": "id_type", "data-on": True}, choices=CHOICES)

    expected = select.render("type", value, attrs={"id": "id_type"})
    prerendered = PrerenderedSelect(options_markup(CHOICES), attrs=select.attrs)
    rendered = prerendered.render("type", value, attrs={"id": "id_type"})

    assert rendered == expected


CHOICE_DATA = {
    "types": [{"slug": "analysis", "name": "Analysis", "kind": "related", "count": 3}],
    "topics": [{"slug": "water", "name": "Water <&>", "count": 2}],
    "series": [],
    "authors": [{"slug": "ann", "name": "Ann", "count": 1}],
    "years": [{"year": 2025, "count": 4}],
}


def test_filter_form_fields_render_as_django_selects_would():
    form = PublicationFilterForm(
        initial={"topic": "water", "year": 2025}, options=filter_options(CHOICE_DATA)
    )
    rendered = {name: str(form[name]) for name in form.fields if name != "q"}

    expected_topics = forms.Select(
        choices=[("", "All topics"), ("water", "Water <&> (2)")]
    ).render("topic", "water", attrs={"id": "id_topic"})
    assert rendered["topic"] == expected_topics
    expected_types = forms.Select(
        choices=[
            ("", "All types"),
            ("Analysis and commentary", [("analysis", "Analysis (3)")]),
        ]
    ).render("type", None, attrs={"id": "id_type"})
    assert rendered["type"] == expected_types
    assert '<option value="2025" selected>2025 (4)</option>' in rendered["year"]


def test_an_unknown_current_value_stays_visible_as_the_choice():
    form = PublicationFilterForm(
        initial={"author": "nobody"}, options=filter_options(CHOICE_DATA)
    )

    assert '<option value="nobody" selected>nobody (0)</option>' in str(form["author"])
    assert form.label_for("author", "nobody") == "nobody"


def test_labels_of_chosen_values_are_the_plain_names():
    form = PublicationFilterForm(options=filter_options(CHOICE_DATA))

    assert form.label_for("topic", "water") == "Water <&>"
    assert form.label_for("type", "analysis") == "Analysis"
    assert form.label_for("year", 2025) == "2025"


@pytest.mark.parametrize(
    "choices",
    [
        [("a&b", 'Names "quoted" <here>'), (2025, "2025"), ("plain", "Plain")],
        # A separator inside a text must not shift the rest.
        [("x\x00y", "First\x00part"), ("z", "<Z>")],
        [],
    ],
)
def test_counted_options_write_what_options_markup_writes(choices):
    parts = counted_options(choices)

    joined = "".join(f"{head}7{tail}" for head, tail in parts)
    assert joined == options_markup([(v, f"{label} (7)") for v, label in choices])


def test_counted_options_keep_safe_names_as_they_are():
    [(head, tail)] = counted_options([("a<b", mark_safe("<b>Kept</b>"))])

    assert head == '\n  <option value="a&lt;b"><b>Kept</b> ('
