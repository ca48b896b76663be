"""A select whose long option list is written once and reused.

Django's Select renders two templates per option, about 50 microseconds
each, so the 2,700 topics and authors of a large site cost over 100 ms a
page. options_markup() writes the same HTML in Python once; the listing
remembers it until content changes, and PrerenderedSelect only marks the
chosen option.
"""

import html

from django import forms
from django.utils.safestring import mark_safe


def _escape(value):
    """Escape *value* as templates do: safe strings pass as they are."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs):
    """Return *attrs* as Django's widgets/attrs.html writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(value, label):
    if value is None:
        value = ""
    return f'\n  <option value="{_escape(value)}">{_escape(label)}</option>\n'


def has_option(markup, value):
    """Return True if *markup* (from options_markup()) offers *value*."""
    return f'<option value="{_escape(value)}">' in markup


def counted_options(choices):
    """Return, for each (value, name) of *choices*, the markup of option
    "name (count)" before and after the count.

    Joined around a count, the parts are what options_markup() writes. The
    values and names are escaped in two calls, not two per option: a site's
    thousands of authors otherwise spend most of the time in the calls.
    """
    values = _escape_each([value for value, _name in choices])
    names = _escape_each([name for _value, name in choices])
    return [
        (f'\n  <option value="{value}">{name} (', ")</option>\n")
        for value, name in zip(values, names, strict=True)
    ]


# Joins texts for escaping in one call: escaping leaves it as it is, and
# text from a form or the database never holds it (printable() drops it).
_SEPARATOR = "\x00"


def _escape_each(values):
    """Return [_escape(value) for value in values], faster for many."""
    texts = [str(value) for value in values]
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != max(len(texts) - 1, 0) or any(
        hasattr(value, "__html__") for value in values
    ):
        return [_escape(value) for value in values]
    return html.escape(joined).split(_SEPARATOR) if texts else []


def optgroup_markup(label, options):
    """Return an <optgroup> of *options* markup, as options_markup() writes it."""
    return f'\n  <optgroup label="{_escape(label)}">{options}\n  </optgroup>'


def options_markup(choices):
    """Return the <option> (and <optgroup>) HTML of *choices*, none selected.

    The markup is what Django's Select template writes, so a page looks the
    same whichever widget drew it.
    """
    parts = []
    for group_value, group_label in choices:
        if isinstance(group_label, (list, tuple)):
            parts.append(f'\n  <optgroup label="{_escape(group_value)}">')
            parts.extend(_option(value, label) for value, label in group_label)
            parts.append("\n  </optgroup>")
        else:
            parts.append(_option(group_value, group_label))
    return "".join(parts)


class PrerenderedSelect(forms.Select):
    """A Select drawing options from markup made by options_markup().

    Only the first option whose value is the current one is marked
    selected, as Django's Select does.
    """

    def __init__(self, markup, attrs=None):
        super().__init__(attrs)
        self.markup = markup

    def render(self, name, value, attrs=None, renderer=None):
        # The base context: name, attributes and value, without optgroups().
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        markup = self.markup
        for wanted in widget["value"]:
            option = f'<option value="{_escape(wanted)}">'
            if option in markup:
                chosen = f'<option value="{_escape(wanted)}" selected>'
                markup = markup.replace(option, chosen, 1)
                break
        return mark_safe(
            f'<select name="{_escape(name)}"{_attrs(widget["attrs"])}>'
            f"{markup}\n</select>"
        )
