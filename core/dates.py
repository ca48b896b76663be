"""The one way public pages write a date: "Tuesday, April 30, 2024"."""

from django.utils import timezone
from django.utils.formats import date_format

# A report's own page dates it with the weekday; every other date a reader
# sees (cards, related items, the series box) matches it (issue #17).
READER_DATE_FORMAT = "l, F j, Y"


def reader_date(moment):
    """Return *moment* in the site's time zone, written as readers see dates."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, READER_DATE_FORMAT)
