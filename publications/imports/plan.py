"""What one row of an import would do: create, change (and what), or refuse.

The planner reads rows a chunk at a time: each chunk costs a handful of
queries (its existing items with their authors, topics and summary points,
the authors, series and topics it names, the numbers it uses), whatever its
size. It remembers across chunks only what a later row may clash with: the
slugs and numbers seen, and the authors and topics still to be created.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import absolute_url, slug_url
from publications.imports import cells
from publications.imports.cells import CellError
from publications.imports.lookups import Lookups
from publications.imports.results import (
    CHANGE,
    COMPARED,
    CREATE,
    REFUSE,
    SUMMARY_SEPARATOR,
    UNCHANGED,
    FieldChange,
    Plan,
    RowResult,
    date_text,
    displayed,
)
from publications.models import (
    Publication,
    PublicationType,
    RelatedPublication,
    Report,
)
from publications.publishing_rules import describe_reasons, missing_for
from publications.resources import LIST_SEPARATOR
from publications.roles import may_publish
from publications.states import Kind, State, Status

_JUST_BEFORE = timedelta(microseconds=1)
MODELS = {Kind.REPORT: Report, Kind.RELATED: RelatedPublication}


class Planner:
    """Plan the rows of one file, in order, chunk by chunk."""

    def __init__(self, positions, *, user=None, now=None, lock=False):
        self.positions = positions
        self.user = user
        self.may_publish = user is None or may_publish(user)
        self.now = now or timezone.now()
        self.lock = lock
        self.types = {
            publication_type.name.casefold(): publication_type
            for publication_type in PublicationType.objects.all()
        }
        self.slugs_seen = {}
        self.numbers_seen = {}
        self.new_authors = {}
        self.new_topics = {}
        self.time_zone = timezone.get_current_timezone()

    def plan_chunk(self, rows):
        """Return a RowResult for each (line, cells) of *rows*."""
        parsed = [self._parse(line, row) for line, row in rows]
        lookups = Lookups.read(
            [values for _result, values in parsed if values], lock=self.lock
        )
        for result, values in parsed:
            if values is not None:
                self._resolve(result, values, lookups)
        return [result for result, _values in parsed]

    def _parse(self, line, row):
        result = RowResult(line=line)
        values = {}
        reasons = result.reasons

        def cell(column):
            index = self.positions.get(column)
            return row[index] if index is not None and index < len(row) else None

        def read(column, parse, *args, **kwargs):
            try:
                values[column] = parse(cell(column), *args, **kwargs)
            except CellError as error:
                reasons.append(str(error))

        read("slug", cells.slug)
        read("title", cells.text, "title", max_length=300, required=True)
        result.slug = values.get("slug", "")
        result.title = values.get("title", "")
        read("kind", cells.text, "kind", required=True)
        kind = values.get("kind", "").lower().replace(" ", "")
        if kind in {"report", "related", "relatedpublication"}:
            values["kind"] = result.kind = kind[:7]
        elif "kind" in values:
            reasons.append(
                _("kind “%(kind)s” is unknown: use report or related")
                % {"kind": values.pop("kind")[:40]}
            )
        read("type", cells.text, "type", required=True)
        if "number" in self.positions:
            read("number", cells.number)
        read("status", cells.status)
        read("publish_date", cells.moment, "publish_date", required=True)
        for column in ("authors", "topics"):
            if column in self.positions:
                read(column, cells.names, column)
        if "series" in self.positions:
            read("series", cells.text, "series")
        if "url" in self.positions:
            read("url", cells.url)
        if "unpublish_date" in self.positions:
            read("unpublish_date", cells.moment, "unpublish_date")
        if "teaser" in self.positions:
            read("teaser", cells.text, "teaser", max_length=600)
        for column in cells.RICH_TEXT_COLUMNS:
            if column in self.positions:
                read(column, cells.rich_text, column)
        if "summary_points" in self.positions:
            read("summary_points", cells.text, "summary_points")
        if "pdf_url" in self.positions:
            read("pdf_url", cells.text, "pdf_url")  # checked for safety only
        return result, (None if reasons else values)

    def _resolve(self, result, values, lookups):
        reasons = result.reasons
        slug = values["slug"]
        kind = values["kind"]
        model = MODELS[kind]
        existing = lookups.existing.get(slug)
        if slug in self.slugs_seen:
            reasons.append(
                _("slug “%(slug)s” is on line %(line)s too")
                % {"slug": slug, "line": self.slugs_seen[slug]}
            )
        self.slugs_seen.setdefault(slug, result.line)
        if existing is not None and existing.kind != kind:
            reasons.append(
                _("slug “%(slug)s” belongs to a %(kind)s; its kind cannot change")
                % {"slug": slug, "kind": existing._meta.verbose_name}
            )
            return
        new = {"title": values["title"]}
        fields = {"title": values["title"], "slug": slug}
        publication_type = self.types.get(values["type"].casefold())
        if publication_type is None:
            reasons.append(_("type “%(type)s” is unknown") % {"type": values["type"]})
        elif publication_type.kind != kind:
            reasons.append(
                _("type “%(type)s” is for %(kind)s")
                % {
                    "type": publication_type.name,
                    "kind": Kind(publication_type.kind).label.lower() + "s",
                }
            )
        else:
            fields["publication_type"] = publication_type
            new["type"] = publication_type.name
        number = values.get("number")
        if "number" in values:
            fields["number"] = number
            new["number"] = "" if number is None else str(number)
        elif existing is not None:
            number = existing.number  # kept: still unique within the type?
        if number is not None and publication_type is not None:
            self._check_number(result, publication_type, number, lookups)
        if kind == Kind.REPORT:
            self._resolve_series(result, values, lookups, fields, new)
        elif values.get("series"):
            reasons.append(_("a related publication has no series"))
        authors = self._resolve_authors(result, values, lookups, new)
        topics = self._resolve_topics(result, values, lookups, new)
        self._resolve_dates(result, values, existing, fields, new)
        self._resolve_content(values, kind, existing, fields, new)
        summary_points = None
        if "summary_points" in values and kind == Kind.REPORT:
            summary_points = [
                point.strip()
                for point in values["summary_points"].split(SUMMARY_SEPARATOR)
                if point.strip()
            ]
            if any(len(point) > 1000 for point in summary_points):
                reasons.append(_("a summary point is longer than 1000 characters"))
            new["summary_points"] = SUMMARY_SEPARATOR.join(summary_points)
        old = displayed(existing, self.time_zone, self.now) if existing else {}
        result.changes = [
            FieldChange(name, old.get(name, ""), new[name])
            for name in COMPARED
            if name in new and old.get(name, "") != new[name]
        ]
        if existing is None:
            result.action = CREATE
        elif result.changes:
            result.action = CHANGE
        else:
            result.action = UNCHANGED
        self._check_allowed(result, fields, existing, model)
        if fields.get("status") == Status.PUBLISHED:
            parts = {"authors": authors, "topics": topics, "summary": summary_points}
            self._check_complete(result, kind, fields, existing, parts)
        if result.reasons:
            result.action = REFUSE
            return
        was_live = existing is not None and existing.is_live(now=self.now)
        result.plan = Plan(
            model=model,
            existing=existing,
            fields=fields,
            authors=authors if _changed(result, "authors") else None,
            topics=topics if _changed(result, "topics") else None,
            summary_points=summary_points
            if _changed(result, "summary_points")
            else None,
            was_live=was_live,
        )
        self._remember_new_names(result)

    def _check_number(self, result, publication_type, number, lookups):
        key = (publication_type.pk, number)
        holder = lookups.numbers.get(key)
        if holder is not None and holder[0] != result.slug:
            result.reasons.append(
                _("%(type)s No. %(number)s is already “%(title)s” (%(slug)s)")
                % {
                    "type": publication_type.name,
                    "number": number,
                    "title": holder[1],
                    "slug": holder[0],
                }
            )
        elif key in self.numbers_seen:
            result.reasons.append(
                _("%(type)s No. %(number)s is on line %(line)s too")
                % {
                    "type": publication_type.name,
                    "number": number,
                    "line": self.numbers_seen[key],
                }
            )
        self.numbers_seen.setdefault(key, result.line)

    def _resolve_series(self, result, values, lookups, fields, new):
        if "series" not in values:
            return
        title = values["series"]
        series = None
        if title:
            series = lookups.series.get(title.casefold())
            if series is None:
                result.reasons.append(
                    _("series “%(series)s” is unknown") % {"series": title}
                )
                return
        fields["series"] = series
        new["series"] = series.title if series else ""

    def _resolve_authors(self, result, values, lookups, new):
        if "authors" not in values:
            return None
        authors = []
        for name in values["authors"]:
            if len(name) > 200:
                result.reasons.append(
                    _("an author's name is longer than 200 characters")
                )
                continue
            matches = lookups.authors_by_name.get(name.casefold(), [])
            if len(matches) > 1:
                result.reasons.append(
                    _("%(count)s authors are called “%(name)s”: give the slug")
                    % {"count": len(matches), "name": name}
                )
            elif matches:
                authors.append(matches[0])
            elif name in lookups.authors_by_slug:
                authors.append(lookups.authors_by_slug[name])
            else:
                name = self.new_authors.get(name.casefold(), name)
                authors.append(name)
                result.new_authors.append(name)
        new["authors"] = LIST_SEPARATOR.join(str(author) for author in authors)
        return authors

    def _resolve_topics(self, result, values, lookups, new):
        if "topics" not in values:
            return None
        topics = []
        for name in values["topics"]:
            if len(name) > 100:
                result.reasons.append(_("a topic is longer than 100 characters"))
                continue
            tag = lookups.tags.get(name.casefold())
            if tag is None:
                tag = self.new_topics.get(name.casefold(), name)
                result.new_topics.append(tag)
            topics.append(tag)
        new["topics"] = LIST_SEPARATOR.join(
            sorted((str(topic) for topic in topics), key=str.casefold)
        )
        return topics

    def _resolve_dates(self, result, values, existing, fields, new):
        word = values["status"]
        status = cells.STATUS_WORDS[word]
        publish_at = values["publish_date"]
        if "unpublish_date" in values:
            unpublish_at = values["unpublish_date"]
        else:
            # Not in the file: kept, unless the status says otherwise.
            unpublish_at = existing.unpublish_at if existing else None
            if word == State.EXPIRED and not (unpublish_at and unpublish_at < self.now):
                # Withdrawn as of this import: it leaves just after the moment.
                unpublish_at = self.now - _JUST_BEFORE
            elif word in (State.LIVE, State.SCHEDULED) and unpublish_at:
                if unpublish_at < self.now:
                    unpublish_at = None
        if unpublish_at is not None and unpublish_at <= publish_at:
            result.reasons.append(_("unpublish_date must be after publish_date"))
        fields.update(status=status, publish_at=publish_at, unpublish_at=unpublish_at)
        state = Publication(
            status=status, publish_at=publish_at, unpublish_at=unpublish_at
        ).state(now=self.now)
        if word in State.values and word != state:
            result.reasons.append(
                _("status says %(word)s, but with these dates it would be %(state)s")
                % {"word": word, "state": state}
            )
        new["status"] = str(state)
        new["publish_date"] = date_text(publish_at, self.time_zone)
        new["unpublish_date"] = date_text(unpublish_at, self.time_zone)

    def _resolve_content(self, values, kind, existing, fields, new):
        for column in ("teaser", "about", "body"):
            if column in values and (column != "about" or kind == Kind.REPORT):
                fields[column] = values[column]
                new[column] = values[column]
        if kind == Kind.RELATED and "url" in values:
            own_page = absolute_url(
                slug_url("publications:publication-detail", values["slug"])
            )
            external_url = "" if values["url"] == own_page else values["url"]
            fields["external_url"] = external_url
            new["url"] = external_url

    def _check_allowed(self, result, fields, existing, model):
        action = "add" if existing is None else "change"
        permission = f"publications.{action}_{model._meta.model_name}"
        if self.user is not None and not self.user.has_perm(permission):
            result.reasons.append(
                _("you may not %(action)s %(items)s")
                % {"action": action, "items": model._meta.verbose_name_plural}
            )
        if self.may_publish:
            return
        if fields.get("status") == Status.PUBLISHED:
            result.reasons.append(
                _(
                    "only users who may publish can import scheduled, live or "
                    "expired items"
                )
            )
        elif (
            existing is not None
            and existing.status == Status.PUBLISHED
            and result.changes
        ):
            result.reasons.append(
                _(
                    "this item is published: only users who may publish can change "
                    "it by import (edit it in the admin to keep changes as a draft)"
                )
            )

    def _check_complete(self, result, kind, fields, existing, parts):
        def final(name, default=""):
            if name in fields:
                return fields[name]
            return getattr(existing, name, default) if existing else default

        def final_part(name, accessor):
            if parts[name] is not None:
                return bool(parts[name])
            return bool(existing and getattr(existing, accessor).all())

        is_report = kind == Kind.REPORT
        missing = missing_for(
            is_report=is_report,
            has_author=final_part("authors", "authorships"),
            has_summary_point=is_report and final_part("summary", "summary_points"),
            has_about=final("about"),
            has_topic=final_part("topics", "tags"),
            has_teaser=final("teaser"),
            has_type="publication_type" in fields,
            has_image=bool(final("image")),
            has_image_alt=final("image_alt"),
        )
        if kind == Kind.RELATED and not (final("body") or final("external_url")):
            missing.append(_("a body or an external url"))
        if missing:
            result.reasons.append(
                _("to be published it needs %(missing)s")
                % {"missing": describe_reasons(missing)}
            )

    def _remember_new_names(self, result):
        for name in result.new_authors:
            self.new_authors.setdefault(name.casefold(), name)
        for name in result.new_topics:
            self.new_topics.setdefault(str(name).casefold(), str(name))


def _page_path(slug):
    return slug_url("publications:publication-detail", slug)


def _changed(result, name):
    return result.action == CREATE or any(c.field == name for c in result.changes)
