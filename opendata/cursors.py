"""Opaque cursors: where the next page of a list starts."""

import base64
import json
from datetime import datetime

# Longer than any cursor this module writes (an author's name is at most 200).
MAX_CURSOR_LENGTH = 1_000


class BadCursor(ValueError):
    """A cursor this API did not hand out."""


def encode_cursor(*values):
    """Return the cursor that stands for *values* (strings, ints, datetimes)."""
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    text = json.dumps(plain, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor, *types):
    """Return the values in *cursor*, one of each of *types*, or raise BadCursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(values, list) or len(values) != len(types):
            raise BadCursor("This cursor does not belong to this list.")
        return [_typed(value, kind) for value, kind in zip(values, types, strict=True)]
    except (ValueError, TypeError, UnicodeError) as error:
        raise BadCursor("This cursor is not one the API handed out.") from error


def _typed(value, kind):
    if kind is datetime:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise BadCursor("A cursor's moment has a time zone.")
        return moment
    # bool is an int to Python, never to a cursor.
    if type(value) is not kind or (kind is int and not 0 < value < 2**63):
        raise BadCursor("This cursor is not one the API handed out.")
    return value
