"""Write planned rows: each item through its model save, its parts in bulk.

The item's save runs the receivers that keep the search index and the
content version current (publications.signals, publications.caching). The
authorships, topics and summary points of a chunk are written with one
bulk_create per kind, which sends no signals, so the writer brings the index
up to date for each chunk and moves the content version on itself
(finish()). A changed item gets a version in the import's revision, after
its parts are written, so its history can restore it as it was; created
items get none (deleting one undoes it), which keeps 10,000 rows fast.
"""

from django.utils.text import slugify
from reversion import add_to_revision, is_active, is_registered
from taggit.models import Tag

from authors.models import Author
from publications.caching.versions import public_content_changed
from publications.models import Authorship, SummaryPoint, TaggedPublication
from publications.search import index_updates_deferred, update_search_index


class Writer:
    """Write the plans of one import, in its transaction."""

    def __init__(self, *, now):
        self.now = now
        self.authors = {}  # casefolded name -> Author made by this import
        self.tags = {}
        self.public_change = False
        self.created = 0
        self.changed = 0
        # Items changed (not created) get a version in the import's revision.
        self.versioned = set()

    def write_chunk(self, plans):
        """Write *plans*, their new parts in one insert per kind, then index them."""
        self.added = {Authorship: [], TaggedPublication: [], SummaryPoint: []}
        # Each item indexed once, when its parts are written too.
        with index_updates_deferred():
            written = [self._write(plan) for plan in plans]
            for model, rows in self.added.items():
                model.objects.bulk_create(rows)
            update_search_index([item.pk for item in written])
        for item in written:
            if is_active() and item.pk in self.versioned:
                # Now that its parts are written: the version follows them.
                add_to_revision(item)

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
            if is_registered(type(item)):
                self.versioned.add(item.pk)
        else:
            self.created += 1
        item.save()
        new = plan.existing is None
        if plan.authors is not None:
            authors = [self._author(author) for author in plan.authors]
            if new:
                self.added[Authorship] += [
                    Authorship(publication=item, author=author, position=position)
                    for position, author in enumerate(authors)
                ]
            else:
                self._change_authors(item, authors)
        if plan.topics is not None:
            tag_ids = {self._tag(tag).pk for tag in plan.topics}
            if not new:
                tag_ids = self._change_topics(item, tag_ids)
            self.added[TaggedPublication] += [
                TaggedPublication(content_object=item, tag_id=tag_id)
                for tag_id in sorted(tag_ids)
            ]
        if plan.summary_points is not None:
            if not new:
                SummaryPoint.objects.filter(report=item).delete()
            self.added[SummaryPoint] += [
                SummaryPoint(report=item, text=text, position=position)
                for position, text in enumerate(plan.summary_points)
            ]
        if plan.was_live or item.is_live(now=self.now):
            self.public_change = True
        return item

    def _change_authors(self, item, authors):
        kept = {row.author_id: row for row in item.authorships.all()}
        wanted = {author.pk for author in authors}
        Authorship.objects.filter(publication=item).exclude(author__in=wanted).delete()
        moved = []
        for position, author in enumerate(authors):
            row = kept.get(author.pk)
            if row is None:
                self.added[Authorship].append(
                    Authorship(publication=item, author=author, position=position)
                )
            elif row.position != position:
                row.position = position
                moved.append(row)
        Authorship.objects.bulk_update(moved, ["position"])

    def _change_topics(self, item, wanted):
        """Remove *item*'s topics not in *wanted*; return the ids to add."""
        stored = {tagged.tag_id for tagged in item.tagged_items.all()}
        TaggedPublication.objects.filter(
            content_object=item, tag_id__in=stored - wanted
        ).delete()
        return wanted - stored

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
