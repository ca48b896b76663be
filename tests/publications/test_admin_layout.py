"""The report form in the order an editor works, with room to write."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from publications.admin.base import LONG_TEXT_ROWS
from tests.admin_pages import admin_url, logged_in
from tests.factories import make_author, make_related, make_report, make_user

pytestmark = pytest.mark.django_db

REPORT_ORDER = (
    "title",
    "publication_type",
    "number",
    "teaser",
    "authorships-0-author",
    "summary_points-0-text",
    "about",
    "body",
    "tags",
    "series",
    "image",
    "pdf",
    "status",
    "publish_at_0",
)


class _Controls(HTMLParser):
    """Collect a form's controls in document order, with their labels."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.controls = []  # (name, attrs) of each visible control
        self.label_targets = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "label" and attrs.get("for"):
            self.label_targets.add(attrs["for"])
        not_a_field = attrs.get("type") in {"hidden", "submit", "button"}
        if tag in {"input", "select", "textarea"} and not not_a_field:
            self.controls.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def _controls(response, form_id):
    parser = _Controls(form_id)
    parser.feed(response.content.decode())
    return parser


def _names(response, form_id):
    return [attrs.get("name") for _, attrs in _controls(response, form_id).controls]


@pytest.fixture
def editor():
    return logged_in(make_user(role="Editors"))


def test_report_form_follows_the_editors_order(editor):
    response = editor.get(reverse("admin:publications_report_add"))
    names = _names(response, "report_form")
    positions = [names.index(name) for name in REPORT_ORDER]
    assert positions == sorted(positions), [names[p] for p in sorted(positions)]
    # Pinned items come after the series and before the files.
    assert names.index("series") < names.index("pins-__prefix__-target")
    assert names.index("pins-__prefix__-target") < names.index("image")


def test_related_form_puts_authors_after_the_teaser_and_publishing_last(editor):
    response = editor.get(reverse("admin:publications_relatedpublication_add"))
    names = _names(response, "relatedpublication_form")
    assert names.index("teaser") < names.index("authorships-0-author")
    assert names.index("authorships-0-author") < names.index("body")
    assert (
        names.index("image")
        < names.index("status")
        == max(names.index(name) for name in ("status", "body", "tags", "image"))
    )


def test_about_and_body_editors_are_at_least_twelve_lines_tall(editor):
    response = editor.get(reverse("admin:publications_report_add"))
    textareas = {
        attrs["name"]: attrs
        for tag, attrs in _controls(response, "report_form").controls
        if tag == "textarea"
    }
    for name in ("about", "body"):
        assert int(textareas[name]["rows"]) >= 12
        assert "folio-long-text" in textareas[name]["class"].split()
    assert LONG_TEXT_ROWS >= 12


def test_cover_image_shows_as_a_thumbnail_not_a_path(editor):
    report = make_report(image=True)
    response = editor.get(admin_url(report))
    html = response.content.decode()
    field = html[html.index('class="form-row field-image') :]
    field = field[: field.index('class="form-row field-image_alt')]
    assert re.search(
        rf'<img src="{re.escape(report.image.url)}"[^>]*alt="[^"]+"', field
    )
    assert f">{report.image.name}</a>" not in field
    assert '<label for="id_image">' in field


def test_every_control_of_a_filled_report_form_has_a_name(editor):
    """Each visible control has a <label for> or an aria-label (inlines too)."""
    author = make_author()
    report = make_report(authors=[author], summary_points=["One.", "Two."])
    pinned = make_related()
    report.pins.create(target=pinned, position=0)
    response = editor.get(admin_url(report))
    parsed = _controls(response, "report_form")
    unnamed = [
        attrs.get("name")
        for _, attrs in parsed.controls
        if attrs.get("id") not in parsed.label_targets and not attrs.get("aria-label")
    ]
    assert unnamed == []
    named = {attrs.get("name"): attrs.get("aria-label") for _, attrs in parsed.controls}
    assert named["authorships-0-role"] == "Role"
    assert named["summary_points-1-DELETE"] == "Delete"
