"""Read a page's form the way a browser submits it, for client tests."""

from html.parser import HTMLParser

_NOT_SENT = {"submit", "button", "file", "image", "reset"}


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        elif not self.in_form:
            return
        elif tag == "input" and attrs.get("name"):
            self._input(attrs)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]
        elif tag == "select" and attrs.get("name"):
            self._select = {
                "name": attrs["name"],
                "multiple": "multiple" in attrs,
                "first": None,
                "chosen": [],
            }
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)

    def _input(self, attrs):
        kind = attrs.get("type", "text")
        if kind in _NOT_SENT:
            return
        if kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self.fields.append((attrs["name"], attrs.get("value", "on")))
            return
        self.fields.append((attrs["name"], attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline that follows <textarea>.
            name, value = self._textarea
            self.fields.append((name, value.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select = self._select
            chosen = select["chosen"]
            if not chosen and not select["multiple"] and select["first"] is not None:
                chosen = [select["first"]]
            self.fields.extend((select["name"], value) for value in chosen)
            self._select = None


def form_data(html, form_id):
    """Return the fields the form *form_id* in *html* would submit, as a dict.

    Names sent more than once (multiple selects) map to lists; file inputs
    and the rows of the inline formsets' hidden templates (``__prefix__``)
    are left out, as a browser and Django leave them.
    """
    reader = _FormReader(form_id)
    reader.feed(html)
    data = {}
    for name, value in reader.fields:
        if "__prefix__" in name:
            continue
        data.setdefault(name, []).append(value)
    return {
        name: values[0] if len(values) == 1 else values for name, values in data.items()
    }
