"""What the rows of one chunk name, read in a few queries for the whole chunk."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch
from django.db.models.functions import Lower
from taggit.models import Tag

from authors.models import Author
from publications.models import (
    Authorship,
    Publication,
    RelatedPublication,
    Report,
    Series,
)


@dataclass
class Lookups:
    existing: dict  # slug -> Report or RelatedPublication
    authors_by_name: dict  # casefolded name -> [Author]
    authors_by_slug: dict
    series: dict  # casefolded title -> Series
    tags: dict  # casefolded name -> Tag
    numbers: dict  # (type id, number) -> (slug, title)

    @classmethod
    def read(cls, rows, *, lock=False):
        """Return the lookups for parsed *rows* (dicts of column values).

        With *lock*, the existing items are locked until the transaction
        ends, so nothing changes them between the plan and the write.
        """
        slugs = {row["slug"] for row in rows}
        names = {name for row in rows for name in row.get("authors", ())}
        topics = {name.casefold() for row in rows for name in row.get("topics", ())}
        titles = {row["series"] for row in rows if row.get("series")}
        numbers = {row["number"] for row in rows if row.get("number") is not None}
        return cls(
            existing=_existing(slugs, lock=lock),
            authors_by_name=_authors_by_name(names),
            authors_by_slug=_in_bulk(Author, "slug", names),
            series={
                series.title.casefold(): series
                for series in _filter_folded(Series.objects, "title", titles)
            },
            tags={
                tag.name.casefold(): tag
                for tag in _filter_folded(Tag.objects, "name", topics)
            },
            numbers={
                (type_id, number): (slug, title)
                for type_id, number, slug, title in Publication.objects.filter(
                    draft_of=None, number__in=numbers
                ).values_list("publication_type_id", "number", "slug", "title")
            }
            if numbers
            else {},
        )


def _existing(slugs, *, lock):
    if not slugs:
        return {}
    authorships = Prefetch(
        "authorships",
        Authorship.objects.select_related("author").order_by("position", "id"),
    )
    found = {}
    for model, related in ((Report, ("series",)), (RelatedPublication, ())):
        items = model.objects.filter(slug__in=slugs)
        if lock:
            items = items.select_for_update(of=("self",))
        items = items.select_related("publication_type", *related).prefetch_related(
            authorships, "tags", "tagged_items"
        )
        if model is Report:
            items = items.prefetch_related("summary_points")
        found.update((item.slug, item) for item in items)
    return found


def _authors_by_name(names):
    grouped = defaultdict(list)
    for author in _filter_folded(Author.objects, "name", names):
        grouped[author.name.casefold()].append(author)
    return grouped


def _in_bulk(model, field, values):
    if not values:
        return {}
    return model.objects.in_bulk(list(values), field_name=field)


def _filter_folded(queryset, field, values):
    """Return the rows whose *field* matches one of *values*, ignoring case.

    Lower() in SQL, casefold() in Python: they agree on the letters names
    use, and the caller keys its result by casefold() again.
    """
    if not values:
        return queryset.none()
    lowered = {value.lower() for value in values}
    return queryset.annotate(_folded=Lower(field)).filter(_folded__in=lowered)
