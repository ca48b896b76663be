"""Drafts of published items: unpublished changes kept in a row of their own.

A draft of a published report or related publication is another row of the
same model, with status draft and ``draft_of`` pointing at the published
row. Being a draft keeps it off every public surface. Publishing it copies
its content and its rows (authors, summary points, pinned items, topics)
onto the published row, through the model saves, so the content version
and the search vector follow, then deletes it. The published row keeps its
id, slug, status and dates: a draft changes what an item says, not where
or when it is shown.
"""

import dataclasses
from pathlib import PurePath

import reversion
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from publications.models import (
    Authorship,
    PinnedPublication,
    Publication,
    ReviewEvent,
    SummaryPoint,
)
from publications.models.publication import DRAFT_SLUG_PREFIX
from publications.publishing_rules import describe_reasons, missing_for_publishing
from publications.states import ReviewStatus

# Publication fields that belong to the published row, never to its draft.
_KEPT_BY_THE_ITEM = {
    "id",
    "publication_ptr",
    "kind",
    "slug",
    "status",
    "review_status",
    "publish_at",
    "unpublish_at",
    "draft_of",
    "version",
    "search_vector_ranked",
    "created_at",
    "updated_at",
}
# Derived from a file and copied with it, not compared.
_DERIVED = {"thumbnail", "pdf_text"}
_FILE_FIELDS = ("image", "pdf")


class DraftError(Exception):
    """A draft cannot be published or discarded; the message says why."""


@dataclasses.dataclass(frozen=True)
class Part:
    """Rows of *model* hanging off a publication by *fk*, copied as they are."""

    model: type
    fk: str
    accessor: str

    def fields(self):
        return [
            field.attname
            for field in self.model._meta.concrete_fields
            if not field.primary_key and field.name != self.fk
        ]


PARTS = (
    Part(Authorship, "publication", "authorships"),
    Part(SummaryPoint, "report", "summary_points"),
    Part(PinnedPublication, "source", "pins"),
)


@dataclasses.dataclass(frozen=True)
class Change:
    """One difference between a draft and its published item, in words."""

    label: str
    published: str
    draft: str


def draft_slug(live):
    """Return the placeholder slug of *live*'s draft.

    "~" is not valid in a slug, so no address and no other item can ever
    use it.
    """
    return f"{DRAFT_SLUG_PREFIX}{live.pk}"


def content_fields(model):
    """Return the fields of *model* a draft holds: what the item says."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in _KEPT_BY_THE_ITEM
    ]


def parts_of(model):
    """Return the Parts a publication of *model* has."""
    return [
        part
        for part in PARTS
        if issubclass(model, part.model._meta.get_field(part.fk).related_model)
    ]


def draft_of_item(live):
    """Return the draft of *live* (of its concrete model), or None."""
    live = live.specific
    return type(live)._default_manager.filter(draft_of_id=live.pk).first()


def draft_for(live):
    """Return the draft of published *live*, made from a copy of it if it has none."""
    live = live.specific
    model = type(live)
    with transaction.atomic():
        live = model._default_manager.select_for_update().get(pk=live.pk)
        draft = model._default_manager.filter(draft_of_id=live.pk).first()
        if draft is not None:
            return draft
        draft = model(
            draft_of=live,
            slug=draft_slug(live),
            status=Publication.Status.DRAFT,
            publish_at=live.publish_at,
            unpublish_at=live.unpublish_at,
        )
        copy_content(live, draft)
        draft.save()
        copy_parts(live, draft)
        return draft


def copy_content(source, target):
    """Copy what *source* says onto *target*, in memory: its fields and files.

    The derived data of a file (thumbnail, PDF text) comes along, and is
    made again on save only where *source* holds a file it has not processed.
    """
    for field in content_fields(type(target)):
        setattr(target, field.attname, getattr(source, field.attname))
    stored = getattr(source, "_stored_files", {})
    target._stored_files = {
        name: stored.get(name) for name in _FILE_FIELDS if hasattr(target, name)
    }


def copy_parts(source, target, *, rows=None, tags=None):
    """Make *target*'s authors, summary points, pins and topics those of *source*.

    *rows* maps a Part to the rows to copy instead of *source*'s stored ones,
    and *tags* gives the topics: what a form holds, not saved.
    """
    for part in parts_of(type(target)):
        if rows is not None and part in rows:
            copied = rows[part]
        else:
            copied = getattr(source, part.accessor).all()
        new_rows = [
            part.model(
                **{part.fk: target},
                **{name: getattr(row, name) for name in part.fields()},
            )
            for row in copied
        ]
        if part.model is PinnedPublication:
            # Pinned to the item itself, as a draft may be: not a pin.
            itself = {target.pk, target.draft_of_id, source.pk}
            new_rows = [row for row in new_rows if row.target_id not in itself]
        part.model._default_manager.filter(**{part.fk: target}).delete()
        part.model._default_manager.bulk_create(new_rows)
    target.tags.set(list(source.tags.all()) if tags is None else tags)


def publish_draft(draft, *, user=None):
    """Copy *draft* onto its published item, delete it and return the item.

    One transaction, through the model saves; the item's history gets a
    version. Raise DraftError if the draft is gone (published or discarded
    since) or its number is taken.
    """
    model = type(draft.specific)
    with transaction.atomic(), reversion.create_revision():
        live = (
            model._default_manager.select_for_update()
            .filter(pk=draft.draft_of_id)
            .first()
        )
        draft = (
            model._default_manager.select_for_update()
            .filter(pk=draft.pk, draft_of__isnull=False)
            .first()
        )
        if live is None or draft is None:
            raise DraftError(_("These changes were published or discarded already."))
        _check_number(draft, live)
        _check_complete(draft)
        copy_content(draft, live)
        copy_parts(draft, live)
        live.version += 1  # forms opened on the old content see a conflict
        live.review_status = ReviewStatus.NONE
        live.save()
        # The review of the changes is the item's history from now on.
        ReviewEvent.objects.filter(publication=draft).update(publication=live)
        draft.delete()
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(_("Published the unpublished changes."))
        return live


def discard_draft(draft):
    """Delete *draft*; raise DraftError if it is gone already."""
    deleted, _rows = Publication.objects.filter(
        pk=draft.pk, draft_of__isnull=False
    ).delete()
    if not deleted:
        raise DraftError(_("These changes were published or discarded already."))


def _check_complete(draft):
    missing = missing_for_publishing(draft.specific)
    if missing:
        raise DraftError(
            _("To publish these changes, add %(missing)s.")
            % {"missing": describe_reasons(missing)}
        )


def _check_number(draft, live):
    if draft.number is None:
        return
    clash = (
        Publication.objects.filter(
            publication_type_id=draft.publication_type_id,
            number=draft.number,
            draft_of__isnull=True,
        )
        .exclude(pk=live.pk)
        .first()
    )
    if clash is not None:
        raise DraftError(
            _("“%(title)s” already has this type and number; change the number.")
            % {"title": clash.title}
        )


def changed_fields(draft, live):
    """Return the Changes from published *live* to *draft*, in form order."""
    draft, live = draft.specific, live.specific
    changes = []
    for field in content_fields(type(live)):
        if field.name in _DERIVED:
            continue
        old, new = _readable(live, field), _readable(draft, field)
        if old != new:
            changes.append(Change(str(field.verbose_name).capitalize(), old, new))
    for label, describe in _PART_DESCRIPTIONS:
        old, new = describe(live), describe(draft)
        if old is not None and old != new:
            changes.append(Change(str(label), old, new))
    return changes


def _readable(publication, field):
    value = getattr(publication, field.name)
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):
        return PurePath(value.name).name
    if field.get_internal_type() == "TextField" and "<" in str(value):
        return Truncator(strip_tags(str(value))).chars(600)
    return str(value)


def _names(rows, describe):
    return "\n".join(describe(row) for row in rows) or "—"


_PART_DESCRIPTIONS = (
    (
        _("Authors"),
        lambda p: _names(
            p.authorships.select_related("author"),
            lambda a: (
                f"{a.author} ({a.get_role_display()})"
                + (f", {a.affiliation}" if a.affiliation else "")
            ),
        ),
    ),
    (
        _("Summary"),
        lambda p: (
            _names(p.summary_points.all(), lambda point: point.text)
            if hasattr(p, "summary_points")
            else None
        ),
    ),
    (
        _("Pinned related items"),
        lambda p: _names(p.pins.select_related("target"), lambda pin: pin.target.title),
    ),
    (_("Topics"), lambda p: ", ".join(sorted(p.tags.names())) or "—"),
)
