"""Rich text: the editor configuration and the allow-list sanitiser."""

import re

import nh3
from django_prose_editor.fields import ProseEditorField

# What the editor offers; the sanitiser below allows exactly this and no more.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HardBreak": True,
}

# svg and math are deliberately absent: known sanitiser bypasses go through them.
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "ul", "ol", "li",
    "blockquote", "a", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener",
    strip_comments=True,
)


def sanitize_rich_text(html):
    """Return *html* reduced to Folio's allow-list of tags and attributes."""
    if not html:
        return ""
    cleaned = _cleaner.clean(html).strip()
    # The editor submits an empty paragraph for an empty document.
    if cleaned in {"<p></p>", "<p><br></p>"}:
        return ""
    return cleaned


class RichTextField(ProseEditorField):
    """A text field edited with the prose editor and sanitised on every save."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", EDITOR_EXTENSIONS)
        kwargs["sanitize"] = sanitize_rich_text
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        # Sanitise whatever the path (admin, shell, commands), not only forms.
        value = sanitize_rich_text(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


# A heading element of sanitised rich text: no attributes, never nested.
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)


def nest_headings(html, *, under):
    """Return rich text *html* with its headings nested under a level-*under* one.

    The editor offers h2 to h4 wherever the text goes, so the stored text
    keeps what the editor wrote and each page places it when rendering: a
    report's body under its "The Report" h2 starts at h3. The text's top
    level becomes under + 1, and no heading goes more than one level deeper
    than the one before it (WCAG 1.3.1; axe's heading-order rule), down to h6.
    """
    levels = sorted({int(level) for level, _text in _HEADING.findall(html)})
    if not levels:
        return html
    rank = {level: under + 1 + index for index, level in enumerate(levels)}
    previous = under

    def place(match):
        nonlocal previous
        level = min(rank[int(match.group(1))], previous + 1, 6)
        previous = level
        return f"<h{level}>{match.group(2)}</h{level}>"

    return _HEADING.sub(place, html)
