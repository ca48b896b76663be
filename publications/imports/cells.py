"""The columns an import reads, and each cell's text turned into a value.

The export's columns (publications.resources.COLUMNS), plus optional
content columns that only an export "with content" writes: an import of a
plain export creates or changes what it lists, and a file that also carries
a teaser, the About text, summary points and a body can create complete
items that publishing accepts. ``url`` is a related publication's external address
when it is not the item's own page; ``pdf_url`` is derived and never read.
"""

import re
from datetime import datetime, time
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from core.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES
from publications.imports.files import Formula, ImportFileError, TooLong
from publications.resources import COLUMNS, CONTENT_COLUMNS, LIST_SEPARATOR

KNOWN_COLUMNS = (*COLUMNS, *CONTENT_COLUMNS)
REQUIRED_COLUMNS = ("kind", "type", "title", "slug", "status", "publish_date")
RICH_TEXT_COLUMNS = ("about", "body")
# The states an export writes, and "published", as stored statuses.
STATUS_WORDS = {
    "draft": "draft",
    "published": "published",
    "scheduled": "published",
    "live": "published",
    "expired": "published",
}
# Tab, line feed and carriage return are text; the rest are not (and
# PostgreSQL refuses NUL outright).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
_is_url = URLValidator(schemes=["http", "https"])
# The sanitiser adds rel to links itself; one already there is harmless.
_HARMLESS_ATTRIBUTES = {"a": {"rel"}}


class CellError(ValueError):
    """A cell's value is refused; the message names the column and why."""


def column_positions(header):
    """Return {column: index} for the header row, or raise ImportFileError."""
    names = [str(name or "").strip().lower() for name in header]
    unknown = [name for name in names if name and name not in KNOWN_COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Unknown column %(names)s. The columns are those of the export%(extra)s.")
            % {
                "names": ", ".join(f"“{name}”" for name in unknown),
                "extra": _(", and optionally %(columns)s")
                % {"columns": ", ".join(CONTENT_COLUMNS)},
            }
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; missing: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise ImportFileError(
            _("Column %(names)s appears twice.") % {"names": ", ".join(repeated)}
        )
    return {name: index for index, name in enumerate(names) if name}


def text(value, column, *, max_length=None, required=False):
    """Return the cell *value* as stripped text, checking it is safe."""
    if isinstance(value, Formula):
        raise CellError(
            _(
                "%(column)s starts with “%(start)s”, which a spreadsheet runs as "
                "a formula; put an apostrophe before it to import it as text"
            )
            % {"column": column, "start": value[:1].replace("\t", "tab")}
        )
    if isinstance(value, TooLong):
        raise CellError(_("%(column)s is too long") % {"column": column})
    if value is None:
        value = ""
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    elif isinstance(value, datetime):
        value = value.isoformat()
    value = str(value).strip()
    if _CONTROL.search(value):
        raise CellError(_("%(column)s holds a control character") % {"column": column})
    if required and not value:
        raise CellError(_("%(column)s is missing") % {"column": column})
    if max_length is not None and len(value) > max_length:
        raise CellError(
            _("%(column)s is longer than %(limit)s characters")
            % {"column": column, "limit": max_length}
        )
    return value


def names(value, column):
    """Return the "; "-separated names of a cell, in order, without repeats."""
    found = []
    seen = set()
    for name in text(value, column).split(LIST_SEPARATOR.strip()):
        name = name.strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            found.append(name)
    return found


def slug(value):
    value = text(value, "slug", max_length=200, required=True)
    if not _SLUG.match(value):
        raise CellError(
            _("slug “%(slug)s” may hold only letters, digits, hyphens and underscores")
            % {"slug": value}
        )
    return value


def number(value):
    if isinstance(value, int) and not isinstance(value, bool):
        result = value
    else:
        raw = text(value, "number")
        if not raw:
            return None
        if not raw.isdigit():
            raise CellError(
                _("number “%(value)s” is not a whole number") % {"value": raw}
            )
        result = int(raw)
    if not 0 < result < 2**31:
        raise CellError(_("number %(value)s is out of range") % {"value": result})
    return result


def moment(value, column, *, required=False):
    """Return an aware datetime; naive times are in the site's time zone."""
    if isinstance(value, datetime):
        parsed = value
    else:
        raw = text(value, column, required=required)
        if not raw:
            return None
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise CellError(
                _(
                    "%(column)s “%(value)s” is not a date: write 2024-05-01, "
                    "2024-05-01 09:30 or 2024-05-01T09:30:00+00:00"
                )
                % {"column": column, "value": raw[:40]}
            ) from None
        if len(raw) == 10:
            parsed = datetime.combine(parsed.date(), time())
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


def status(value):
    raw = text(value, "status", required=True).lower()
    if raw not in STATUS_WORDS:
        raise CellError(
            _("status “%(value)s” is unknown: use draft, scheduled, live or expired")
            % {"value": raw[:40]}
        )
    return raw


def url(value):
    raw = text(value, "url", max_length=200)
    if raw:
        try:
            _is_url(raw)
        except ValidationError:
            raise CellError(
                _("url “%(value)s” is not an http or https address")
                % {"value": raw[:80]}
            ) from None
    return raw


def rich_text(value, column):
    """Return rich text *value*, refused if it holds markup the editor lacks.

    Saving sanitises it again (core.richtext); refusing here tells the editor
    what would have been dropped instead of dropping it quietly.
    """
    raw = text(value, column)
    checker = _MarkupChecker()
    checker.feed(raw)
    checker.close()
    if checker.unsafe:
        raise CellError(
            _("%(column)s holds markup the editor does not allow: %(found)s")
            % {"column": column, "found": ", ".join(sorted(checker.unsafe)[:5])}
        )
    return raw


class _MarkupChecker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.unsafe = set()

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.unsafe.add(f"<{tag}>")
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | _HARMLESS_ATTRIBUTES.get(
            tag, set()
        )
        for name, attribute_value in attrs:
            if name not in allowed:
                self.unsafe.add(f"{name}= on <{tag}>")
            elif name == "href" and not _safe_href(attribute_value or ""):
                self.unsafe.add(f"href “{(attribute_value or '')[:40]}”")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag not in ALLOWED_TAGS:
            self.unsafe.add(f"<{tag}>")


def _safe_href(href):
    scheme, colon, _rest = href.strip().partition(":")
    if not colon or "/" in scheme or "?" in scheme or "#" in scheme:
        return True  # a relative address
    return scheme.lower() in ALLOWED_URL_SCHEMES
