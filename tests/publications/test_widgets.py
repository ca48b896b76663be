"""FastSelect writes exactly what Django's Select template writes."""

import pytest
from django import forms
from django.utils.translation import gettext_lazy as _

from publications.widgets import FastSelect

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
    rendered = FastSelect.replacing(select).render(
        "type", value, attrs={"id": "id_type"}
    )

    assert rendered == expected


def test_filter_form_fields_render_the_same():
    from publications.forms import PublicationFilterForm

    choices = {
        "types": [
            {"slug": "analysis", "name": "Analysis", "kind": "related", "count": 3}
        ],
        "topics": [{"slug": "water", "name": "Water <&>", "count": 2}],
        "series": [],
        "authors": [{"slug": "ann", "name": "Ann", "count": 1}],
        "years": [{"year": 2025, "count": 4}],
    }
    form = PublicationFilterForm(initial={"topic": "water"}, choices=choices)
    expected = {name: str(form[name]) for name in form.fields}

    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget = FastSelect.replacing(field.widget)
    rendered = {name: str(form[name]) for name in form.fields}

    assert rendered == expected
