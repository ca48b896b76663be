"""What a report or related publication needs before it may be published.

One rule for every path that publishes or schedules an item (the admin
form, the bulk "Publish now", publishing a draft, approving a review):
a report needs at least one author, at least one summary point, the About
text, at least one topic, a teaser and alt text for its cover image; a
related publication needs a teaser and a type (and alt text for an image).

missing_for_publishing() checks an item as stored; missing_in_submission()
checks what an editor submitted in the admin form and its inline formsets,
before anything is saved. Both answer in plain words, empty when complete.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.html import strip_tags
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from publications.models import Authorship, Publication, SummaryPoint, TaggedPublication
from publications.states import Kind

AUTHOR = _("at least one author")
SUMMARY_POINT = _("at least one summary point")
ABOUT = _("the About text")
TOPIC = _("at least one topic")
TEASER = _("a teaser")
TYPE = _("a type")
IMAGE_ALT = _("alt text for the cover image")

# What a saved item's relations hold, read in one query for many items.
_ITEM = OuterRef("pk")
_FACTS = {
    "has_author": Exists(Authorship.objects.filter(publication=_ITEM)),
    "has_summary_point": Exists(SummaryPoint.objects.filter(report=_ITEM)),
    "has_topic": Exists(TaggedPublication.objects.filter(content_object=_ITEM)),
}
# The prefetch caches that answer the same questions without a query.
_PREFETCHED = {
    "has_author": ("authorships", "authors"),
    "has_summary_point": ("summary_points",),
    "has_topic": ("tagged_items", "tags"),
}


@dataclass(frozen=True)
class _Contents:
    is_report: bool
    has_author: bool
    has_summary_point: bool
    has_about: bool
    has_topic: bool
    has_teaser: bool
    has_type: bool
    has_image: bool
    has_image_alt: bool

    def missing(self):
        reasons = []
        if self.is_report:
            if not self.has_author:
                reasons.append(AUTHOR)
            if not self.has_summary_point:
                reasons.append(SUMMARY_POINT)
            if not self.has_about:
                reasons.append(ABOUT)
            if not self.has_topic:
                reasons.append(TOPIC)
        if not self.has_teaser:
            reasons.append(TEASER)
        if not self.has_type:
            reasons.append(TYPE)
        if self.has_image and not self.has_image_alt:
            reasons.append(IMAGE_ALT)
        return [str(reason) for reason in reasons]


def missing_for_publishing(publication):
    """Return what stored *publication* lacks to be published, in plain words.

    An empty list means it may be published or scheduled. Takes a Report,
    a RelatedPublication or their Publication row; reads its fields from
    the instance and a report's authors, summary points and topics from
    the database, in one query at most (none when prefetched or annotated
    by with_publishing_facts()).
    """
    facts = _stored_facts([publication]).get(publication.pk, {})
    return _contents(publication, facts).missing()


def missing_for_publishing_each(publications):
    """Return {pk: reasons} for stored *publications*, in one query at most."""
    publications = list(publications)
    facts = _stored_facts(publications)
    return {
        publication.pk: _contents(publication, facts.get(publication.pk, {})).missing()
        for publication in publications
    }


def with_publishing_facts(queryset):
    """Return *queryset* annotated with what missing_for_publishing() reads."""
    return queryset.annotate(**_FACTS)


def missing_in_submission(form, formsets):
    """Return what a submitted publication admin form lacks to be published.

    *form* is a validated (or validating) ModelForm of a Report or
    RelatedPublication and *formsets* its inline formsets, bound to the
    same submission: what the editor sent counts, not what is stored. A
    field or inline the form does not carry (read-only, left out) counts as
    stored.
    """
    data = form.cleaned_data
    instance = form.instance

    def submitted(name):
        return data[name] if name in data else getattr(instance, name, None)

    is_report = _kind(instance) == Kind.REPORT
    # A related publication needs none of the relations: no query for them.
    facts = dict.fromkeys(_FACTS, False)
    if is_report:
        facts = _submitted_relations(data, instance, formsets)
    return _Contents(
        is_report=is_report,
        has_about=_has_text(submitted("about")),
        has_teaser=_has_text(submitted("teaser")),
        has_type=submitted("publication_type") is not None,
        has_image=bool(submitted("image")),
        has_image_alt=_has_text(submitted("image_alt")),
        **facts,
    ).missing()


def _submitted_relations(data, instance, formsets):
    """Return the relation facts of a submission; stored ones where not sent."""
    by_model = {formset.model: formset for formset in formsets}
    facts = {}
    if Authorship in by_model:
        facts["has_author"] = _formset_has(by_model[Authorship], "author")
    if SummaryPoint in by_model:
        facts["has_summary_point"] = _formset_has(by_model[SummaryPoint], "text")
    if "tags" in data:
        facts["has_topic"] = bool(data["tags"])
    if len(facts) < len(_FACTS):
        stored = _stored_facts([instance]).get(instance.pk, {})
        facts = {fact: facts.get(fact, stored.get(fact, False)) for fact in _FACTS}
    return facts


def describe_missing(publication, missing):
    """Return the sentence refusing to publish *publication*, naming *missing*."""
    return format_lazy(
        _("To publish or schedule this {item}, add {missing}. Nothing was saved."),
        item=publication._meta.verbose_name,
        missing=_join(missing),
    )


def describe_incomplete(refused):
    """Return the message naming each (publication, missing) left unpublished."""
    items = "; ".join(
        str(
            format_lazy(
                _("“{title}” needs {missing}"), title=item.title, missing=_join(missing)
            )
        )
        for item, missing in refused
    )
    return format_lazy(
        _("Not published, as they are incomplete: {items}."), items=items
    )


def describe_reasons(reasons):
    """Return *reasons* as one phrase: "an author, a teaser and a topic"."""
    return str(_join(reasons))


def _join(reasons):
    """Return "a, b and c"."""
    if len(reasons) < 2:
        return "".join(reasons)
    return format_lazy(
        _("{first} and {last}"), first=", ".join(reasons[:-1]), last=reasons[-1]
    )


def _formset_has(formset, field):
    """Return True if a row of *formset* kept (not deleted) has *field* filled."""
    formset.is_valid()  # cached: the admin's own check reuses the result
    for row in formset.forms:
        cleaned = getattr(row, "cleaned_data", None) or {}
        if formset.can_delete and cleaned.get("DELETE"):
            continue
        if _has_text(cleaned.get(field)):
            return True
    return False


def _stored_facts(publications):
    """Return {pk: {fact: bool}} for the saved items in *publications*."""
    facts = {}
    wanted = []
    for publication in publications:
        if publication.pk is None or _kind(publication) != Kind.REPORT:
            continue  # a related publication needs none of the relations
        known = _known_facts(publication)
        if known is None:
            wanted.append(publication.pk)
        else:
            facts[publication.pk] = known
    if wanted:
        rows = (
            Publication._base_manager.filter(pk__in=wanted)
            .annotate(**_FACTS)
            .values("pk", "report__about", *_FACTS)
        )
        for row in rows:
            facts[row.pop("pk")] = row
    return facts


def _known_facts(publication):
    """Return the facts annotated on or prefetched with *publication*, or None."""
    if all(hasattr(publication, fact) for fact in _FACTS):
        return {fact: getattr(publication, fact) for fact in _FACTS}
    cache = getattr(publication, "_prefetched_objects_cache", {})
    known = {}
    for fact, names in _PREFETCHED.items():
        name = next((name for name in names if name in cache), None)
        if name is None:
            if fact == "has_summary_point" and _kind(publication) != Kind.REPORT:
                known[fact] = False
                continue
            return None
        known[fact] = bool(cache[name])
    return known


def _contents(publication, facts):
    is_report = _kind(publication) == Kind.REPORT
    if hasattr(publication, "about"):
        about = publication.about
    elif "report__about" in facts:
        about = facts["report__about"]
    else:
        about = publication.specific.about if is_report else ""
    return _Contents(
        is_report=is_report,
        has_author=facts.get("has_author", False),
        has_summary_point=facts.get("has_summary_point", False),
        has_about=_has_text(about),
        has_topic=facts.get("has_topic", False),
        has_teaser=_has_text(publication.teaser),
        has_type=publication.publication_type_id is not None,
        has_image=bool(publication.image),
        has_image_alt=_has_text(publication.image_alt),
    )


def _kind(publication):
    return publication.publication_kind or publication.kind


def _has_text(value):
    """Return True if *value* holds more than markup and white space."""
    if value is None or value is False:
        return False
    if not isinstance(value, str):
        return True  # a chosen author, type or file
    return bool(strip_tags(value).strip())


def missing_for(**facts):
    """Return what an item with these *facts* lacks, for checks before saving.

    The facts are those of _Contents (is_report, has_author, ...), given by
    a caller that builds an item from other input, such as an import file.
    """
    return _Contents(**{name: bool(value) for name, value in facts.items()}).missing()
