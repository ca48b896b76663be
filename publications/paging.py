"""Pages of public lists: remembered counts, and deep pages that stay cheap."""

import hashlib

from django.core.paginator import Paginator
from django.db.models import F, Q, Window
from django.db.models.functions import Mod, RowNumber
from django.utils.functional import cached_property

from publications.caching import remember, remember_each, remember_updating
from publications.search import search_planning

# From this offset on, a page's ids are found first, in the index alone, and
# only its own rows are read: deep pages then cost little more than page 1.
DEFERRED_JOIN_OFFSET = 1_000


def count_publications(publications, *, key, now=None, counter=None):
    """Return publications.count(); *key* names the filters that made them.

    *counter*, if given, counts them another way (the listing's facet
    index). The count is remembered until content changes.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return remember(f"count:{digest}", counter or publications.count, now=now)


# Deep pages start from every ANCHOR_STEP-th row of a newest-first list.
ANCHOR_STEP = 1_000


def page_anchors(publications, *, key, now=None):
    """Return (publish_at, pk) of rows 0, ANCHOR_STEP, 2 x ANCHOR_STEP...

    *publications* are in newest-first order; *key* names the filters that
    made them (as for count_publications). A deep page then starts at the
    anchor before it and skips fewer than ANCHOR_STEP rows, instead of every
    row before it. The anchors take one pass over the list's index and are
    remembered until content changes.
    """

    def build():
        numbered = (
            publications.order_by()
            .annotate(
                position=Window(
                    RowNumber(), order_by=[F("publish_at").desc(), F("pk").desc()]
                )
            )
            .annotate(offset=Mod(F("position") - 1, ANCHOR_STEP))
            .filter(offset=0)
            .order_by("position")
        )
        return list(numbered.values_list("publish_at", "pk"))

    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return remember(f"anchors:{digest}", build, now=now)


# How many of a search's best results have their order remembered: 50 pages.
RANKED_IDS_KEPT = 1_000
# A remembered ranking brought up to date keeps only the places it still
# knows exactly; below this many it is ranked afresh.
RANKED_IDS_REBUILT_BELOW = 900


def ranked_ids(tiers, *, key, now=None, top=RANKED_IDS_KEPT):
    """Return (ids, complete): the first ids of a list in an order the database
    computes per row, such as search relevance, at least *top* where the
    list has them.

    *tiers* are functions giving querysets whose concatenation is the list
    (see publications.search.search_ranking_tiers); a tier is only built
    and ranked when *top* goes past the ones before it, or when its
    remembered ranking is brought up to date. Each tier's first RANKED_IDS_KEPT
    ids are remembered: ranking every match is most of a search's cost, and
    the order only changes with content. *complete* says the ids are every
    item. *key* names the filters that made the list (as for
    count_publications).

    A ranking is remembered across changes: after an edit, only the edited
    items and the remembered ones are ranked again (about 10 ms), not every
    match (over 300 ms for a common word at 100,000 items).
    """
    ids = []
    for number, tier in enumerate(tiers):
        tier_ids, complete = _tier_ranking(tier, key=f"{key}:tier{number}", now=now)
        ids.extend(tier_ids)
        if not complete:
            return ids, False
        if len(ids) >= top and number < len(tiers) - 1:
            return ids, False
    return ids, True


def _tier_ranking(tier, *, key, now):
    """Return (ids, complete) of the first RANKED_IDS_KEPT of *tier*(), remembered."""

    def build():
        publications = tier()
        with search_planning():
            ids = list(publications.values_list("pk", flat=True)[: RANKED_IDS_KEPT + 1])
        return ids[:RANKED_IDS_KEPT], len(ids) <= RANKED_IDS_KEPT

    def update(ranked, changed):
        publications = tier()
        ids, complete = ranked
        kept = [pk for pk in ids if pk not in changed]
        if not complete and len(kept) < RANKED_IDS_REBUILT_BELOW:
            return None
        order = list(
            publications.filter(pk__in=[*kept, *sorted(changed)]).values_list(
                "pk", flat=True
            )
        )
        if not complete and kept:
            # An item never ranked may belong between the last kept one and
            # a changed item that fell below it: keep only the exact places.
            if kept[-1] not in order:
                return None
            order = order[: order.index(kept[-1]) + 1]
        complete = complete and len(order) <= RANKED_IDS_KEPT
        return order[:RANKED_IDS_KEPT], complete

    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return remember_updating(f"ranking:{digest}", build, update, now=now)


def remembered_page_ids(page_ids, bottom, top, *, key):
    """Return page_ids(bottom, top), remembered until content changes.

    *key* names the filters behind the list (as for count_publications);
    at most FOLIO_REMEMBERED_VARIANTS pages of lists are kept per content
    version, so made-up filters cannot fill the cache.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    name = f"page-ids:{digest}:{bottom}:{top}"
    found = remember_each(
        [name], lambda missing: {name: page_ids(bottom, top)}, family="page-ids"
    )
    return found[name]


class PublicationPaginator(Paginator):
    """A paginator whose count is remembered and whose deep pages stay cheap.

    *count_key* names the filters behind the list (see
    count_publications()); *counter* counts it, if not the database;
    *page_ids*(bottom, top), if given, returns the ids of a newest-first
    page, if not the database (the listing's facet index); *ranking_tiers*,
    for a RANKED list, functions giving the querysets that rank it in parts
    (see ranked_ids()), if not the list as a whole.
    *ordering* says how the list is ordered: NEWEST_FIRST lets deep pages
    start from remembered anchors (see page_anchors()) instead of counting
    past every earlier row; RANKED pages read a remembered ranking (see
    ranked_ids()).
    """

    NEWEST_FIRST = "newest first"
    RANKED = "ranked"
    OTHER = "other"

    def __init__(
        self,
        object_list,
        per_page,
        *,
        count_key,
        now,
        ordering,
        counter=None,
        page_ids=None,
        ranking_tiers=None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key
        self.now = now
        self.ordering = ordering
        self.counter = counter
        self.page_ids = page_ids
        self.ranking_tiers = ranking_tiers

    @cached_property
    def count(self):
        return count_publications(
            self.object_list, key=self.count_key, now=self.now, counter=self.counter
        )

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ranked, complete = None, False
        if self.ordering == self.RANKED and top <= RANKED_IDS_KEPT:
            ranked, complete = ranked_ids(
                self.ranking_tiers or [lambda: self.object_list],
                key=self.count_key,
                now=self.now,
                top=top,
            )
        if ranked is not None and (complete or top <= len(ranked)):
            ids = ranked[bottom:top]
        elif self.page_ids is not None and self.ordering == self.NEWEST_FIRST:
            ids = remembered_page_ids(self.page_ids, bottom, top, key=self.count_key)
        elif bottom < DEFERRED_JOIN_OFFSET:
            return super().page(number)
        else:
            ids = self._ids(bottom, top)
        # In the order of ids: the list's own order would only cost a sort.
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)

    def _ids(self, bottom, top):
        """Return the ids of rows bottom to top, read from the index alone."""
        publications = self.object_list
        anchors = None
        if self.ordering == self.NEWEST_FIRST:
            anchors = page_anchors(publications, key=self.count_key, now=self.now)
        if anchors and bottom // ANCHOR_STEP < len(anchors):
            publish_at, pk = anchors[bottom // ANCHOR_STEP]
            # The first condition bounds the index scan; the second settles ties.
            publications = publications.filter(
                Q(publish_at__lte=publish_at),
                Q(publish_at__lt=publish_at) | Q(pk__lte=pk),
            )
            skipped = bottom // ANCHOR_STEP * ANCHOR_STEP
            bottom, top = bottom - skipped, top - skipped
        return list(publications.values_list("pk", flat=True)[bottom:top])
