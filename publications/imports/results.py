"""What planning a row gives: its outcome, its changes, and what to write."""

from dataclasses import dataclass, field

from publications.models import Publication, Report
from publications.resources import LIST_SEPARATOR, SUMMARY_SEPARATOR

CREATE, CHANGE, UNCHANGED, REFUSE = "create", "change", "unchanged", "refuse"
# The fields a diff shows, in the order of the columns.
COMPARED = (
    "type",
    "number",
    "title",
    "authors",
    "series",
    "topics",
    "status",
    "publish_date",
    "unpublish_date",
    "url",
    "teaser",
    "about",
    "body",
    "summary_points",
)


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class RowResult:
    """One row's outcome; *plan* holds what the writer needs."""

    line: int
    slug: str = ""
    title: str = ""
    kind: str = ""
    action: str = REFUSE
    changes: list = field(default_factory=list)
    reasons: list = field(default_factory=list)
    new_authors: list = field(default_factory=list)
    new_topics: list = field(default_factory=list)
    plan: object = field(default=None, repr=False)


@dataclass
class Plan:
    """A row's resolved values: model fields, and the rows hanging off it.

    *authors* and *topics* hold model instances, or names still to be
    created; None means the part stays as it is.
    """

    model: type
    existing: Publication | None
    fields: dict
    authors: list | None
    topics: list | None
    summary_points: list | None
    was_live: bool


def date_text(moment, time_zone):
    return moment.astimezone(time_zone).isoformat() if moment else ""


def displayed(existing, time_zone, now):
    """Return *existing* as the diff shows it, in the columns' terms."""
    specific = existing
    authors = [authorship.author for authorship in existing.authorships.all()]
    shown = {
        "type": existing.publication_type.name,
        "number": "" if existing.number is None else str(existing.number),
        "title": existing.title,
        "authors": LIST_SEPARATOR.join(author.name for author in authors),
        "topics": LIST_SEPARATOR.join(
            sorted((tag.name for tag in existing.tags.all()), key=str.casefold)
        ),
        "status": str(existing.state(now=now)),
        "publish_date": date_text(existing.publish_at, time_zone),
        "unpublish_date": date_text(existing.unpublish_at, time_zone),
        "teaser": existing.teaser,
        "body": specific.body,
    }
    if isinstance(specific, Report):
        shown["series"] = specific.series.title if specific.series else ""
        shown["about"] = specific.about
        shown["summary_points"] = SUMMARY_SEPARATOR.join(
            point.text for point in specific.summary_points.all()
        )
    else:
        shown["url"] = specific.external_url
    return shown
