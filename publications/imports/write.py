"""Write planned rows: each item through its model save, its parts in bulk.

The item's save runs the receivers that keep the search index and the
content version current (publications.signals, publications.caching). Its
authorships, topics and summary points are written with bulk_create, which
sends no signals, so the writer brings the index up to date for each chunk
and moves the content version on itself (finish()).
"""

from django.utils.text import slugify
from reversion import add_to_revision, is_active, is_registered
from taggit.models import Tag

from authors.models import Author
from publications.caching.versions import public_content_changed
from publications.models import Authorship, SummaryPoint, TaggedPublication
from publications.search import update_search_index


class Writer:
    """Write the plans of one import, in its transaction."""

    def __init__(self, *, now):
        self.now = now
        self.authors = {}  # casefolded name -> Author made by this import
        self.tags = {}
        self.public_change = False
        self.created = 0
        self.changed = 0

    def write_chunk(self, plans):
        """Write *plans*, then index their items."""
        written = [self._write(plan) for plan in plans]
        update_search_index(written)

    def finish(self):
        """Move the content version on if a reader could see any change."""
        if self.public_change:
            public_content_changed()

    def _write(self, plan):
        item = plan.existing or plan.model()
        for name, value in plan.fields.items():
            setattr(item, name, value)
        if plan.existing is not None:
            item.version += 1
            self.changed += 1
        else:
            self.created += 1
        item.save()
        if plan.authors is not None:
            self._write_authors(item, [self._author(a) for a in plan.authors])
        if plan.topics is not None:
            self._write_topics(item, [self._tag(t) for t in plan.topics])
        if plan.summary_points is not None:
            SummaryPoint.objects.filter(report=item).delete()
            SummaryPoint.objects.bulk_create(
                SummaryPoint(report=item, text=text, position=position)
                for position, text in enumerate(plan.summary_points)
            )
        if plan.was_live or item.is_live(now=self.now):
            self.public_change = True
        if is_active() and is_registered(type(item)):
            # Again, now that its parts are written: the version follows them.
            add_to_revision(item)
        return item.pk

    def _write_authors(self, item, authors):
        kept = {row.author_id: row for row in item.authorships.all()}
        wanted = {author.pk for author in authors}
        Authorship.objects.filter(publication=item).exclude(author__in=wanted).delete()
        moved, added = [], []
        for position, author in enumerate(authors):
            row = kept.get(author.pk)
            if row is None:
                added.append(
                    Authorship(publication=item, author=author, position=position)
                )
            elif row.position != position:
                row.position = position
                moved.append(row)
        Authorship.objects.bulk_update(moved, ["position"])
        Authorship.objects.bulk_create(added)
        if hasattr(item, "_prefetched_objects_cache"):
            item._prefetched_objects_cache.pop("authorships", None)

    def _write_topics(self, item, tags):
        wanted = {tag.pk for tag in tags}
        stored = set(
            TaggedPublication.objects.filter(content_object=item).values_list(
                "tag_id", flat=True
            )
        )
        TaggedPublication.objects.filter(
            content_object=item, tag_id__in=stored - wanted
        ).delete()
        TaggedPublication.objects.bulk_create(
            TaggedPublication(content_object=item, tag_id=tag_id)
            for tag_id in sorted(wanted - stored)
        )

    def _author(self, author):
        if isinstance(author, Author):
            return author
        key = author.casefold()
        if key not in self.authors:
            self.authors[key] = Author.objects.create(
                name=author, slug=_free_slug(author)
            )
        return self.authors[key]

    def _tag(self, tag):
        if isinstance(tag, Tag):
            return tag
        key = tag.casefold()
        if key not in self.tags:
            # taggit finds a free slug itself.
            self.tags[key] = Tag.objects.create(name=tag)
        return self.tags[key]


def _free_slug(name):
    base = slugify(name)[:190] or "author"
    taken = set(
        Author.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, suffix = base, 1
    while slug in taken:
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug
