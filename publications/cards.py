"""Publication cards, rendered once per change of their item for every list.

A card (type, title, date, authors, teaser, topics) is the same on every
list that shows it and changes only when its item does, so each is rendered
once and stored in the database (StoredCard): a list page then reads its
cards in one query instead of fetching authors and topics and rendering
templates, with or without a shared cache. The change queue's drain stores
the cards of the items it takes (publications.derived.drain), and
`manage.py update_related_items` those of every live item, so readers find
them built; a card out of date or missing is built when read and stored.

A list card's title and teaser are left as slots and filled per page, so
that search results can show them with their matches marked; its heading
level is a slot too, so that one stored card serves every list.
"""

import logging

from django.db import DatabaseError, connection, transaction
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from publications.caching.surrogates import EVERYTHING, PUBLICATION_KEY_PREFIX
from publications.caching.versions import content_version
from publications.models import KeyChange, Publication, StoredCard
from publications.selectors import with_card_relations
from publications.templatetags.folio import highlighted

logger = logging.getLogger("folio")

_TITLE_SLOT = "\ue000title\ue000"
_TEASER_SLOT = "\ue000teaser\ue000"
_HEADING_SLOT = "\ue000h\ue000"
# Joins a stored card's parts; a card that holds it is not stored.
_SEPARATOR = "\ue001"

# Items whose cards are built and stored together.
STORE_BATCH = 500

_TEMPLATES = {
    StoredCard.Kind.LIST: "includes/publication_card.html",
    StoredCard.Kind.RELATED: "includes/related_item.html",
}


def card_rows(publications):
    """Return *publications* as the rows publication_cards() needs.

    Only ids, titles and teasers are read: the rest of a card is stored.
    """
    return publications.only("pk", "title", "teaser")


def publication_cards(rows, *, heading_level=2):
    """Return the HTML of the list cards of *rows* (from card_rows()), in order.

    A search result's row may carry title_highlighted and
    teaser_highlighted (publications.search).
    """
    rows = list(rows)
    parts = _cards([row.pk for row in rows], StoredCard.Kind.LIST)
    level = str(heading_level)
    cards = []
    for row in rows:
        if row.pk in parts:
            head, middle, tail = parts[row.pk]
            title = conditional_escape(highlighted(row, "title"))
            teaser = conditional_escape(highlighted(row))
            head = head.replace(_HEADING_SLOT, level)
            middle = middle.replace(_HEADING_SLOT, level)
            cards.append(mark_safe(f"{head}{title}{middle}{teaser}{tail}"))
    return cards


def related_cards(ids):
    """Return the HTML of the related-item boxes of publications *ids*, in order."""
    parts = _cards(ids, StoredCard.Kind.RELATED)
    return [mark_safe(parts[pk][0]) for pk in ids if pk in parts]


def store_cards(publication_ids):
    """Build and store every card of *publication_ids*; return how many items.

    For the drain and update_related_items: readers then find them built.
    """
    ids = sorted(set(publication_ids))
    stored = 0
    for start in range(0, len(ids), STORE_BATCH):
        chunk = ids[start : start + STORE_BATCH]
        # Read before building: a change committed meanwhile outdates the card.
        version = content_version()
        rows = _fetch(chunk)
        for kind in StoredCard.Kind:
            _store(_build(kind, rows), kind, version)
        stored += len(rows)
    return stored


def store_missing_cards(*, limit=None, every=False):
    """Store the cards of live items that lack a current one; return how many.

    Newest first, at most *limit* items; *every* builds every live item's
    cards afresh.
    """
    live = Publication.objects.live().newest_first().values_list("pk", flat=True)
    current = set() if every else _with_current_cards()
    ids = [pk for pk in live if pk not in current][:limit]
    return store_cards(ids)


def _cards(ids, kind):
    """Return {id: (HTML around the slots)} of the cards of *ids* of *kind*.

    One query reads the stored cards still current; the others are built
    (one join and two prefetches) and stored. A publication deleted since
    its id was read has no card.
    """
    if not ids:
        return {}
    # Read before building: a change committed meanwhile outdates the card.
    version = content_version()
    found = _read_stored(ids, kind)
    missing = [pk for pk in dict.fromkeys(ids) if pk not in found]
    if missing:
        built = _build(kind, _fetch(missing))
        _store(built, kind, version)
        found.update(built)
    return found


def _read_stored(ids, kind):
    """Return {id: parts} of the stored cards none of whose keys changed since.

    A plain cursor: building the ORM's form of this query cost more than
    running it, on every page of cards.
    """
    ids = sorted(set(ids))
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT card.publication_id, card.parts FROM {_CARDS} card"
            f" WHERE card.kind = %s AND card.publication_id IN ({placeholders})"
            f" AND {_IS_CURRENT}",
            [kind, *ids, EVERYTHING],
        )
        return {pk: tuple(parts.split(_SEPARATOR)) for pk, parts in cursor}


def _with_current_cards():
    """Return the ids of the items whose every kind of card is stored and current."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT card.publication_id FROM {_CARDS} card WHERE {_IS_CURRENT}"
            " GROUP BY card.publication_id HAVING COUNT(*) = %s",
            [EVERYTHING, len(StoredCard.Kind)],
        )
        return {pk for (pk,) in cursor}


_CARDS = connection.ops.quote_name(StoredCard._meta.db_table)
# A card counts while neither its item's key nor every page's key changed
# after the content version it was built at.
_IS_CURRENT = (
    f"NOT EXISTS (SELECT 1 FROM {connection.ops.quote_name(KeyChange._meta.db_table)}"
    " key_change WHERE key_change.changed_at > card.built_at AND key_change.key IN"
    f" (%s, '{PUBLICATION_KEY_PREFIX}' || CAST(card.publication_id AS TEXT)))"
)


def _fetch(ids):
    """Return the publications *ids* with what their cards show (three queries).

    Always read after the content version the cards are stored at, so that
    a card is never stamped newer than what it shows.
    """
    return list(with_card_relations(Publication.objects.filter(pk__in=ids)))


def _build(kind, rows):
    """Return {id: parts} of the cards of kind *kind* of *rows* (from _fetch())."""
    return {row.pk: _render(kind, row) for row in rows}


def _render(kind, row):
    if kind == StoredCard.Kind.RELATED:
        return (render_to_string(_TEMPLATES[kind], {"item": row}),)
    names = ("title", "teaser", "title_highlighted", "teaser_highlighted")
    kept = {name: getattr(row, name, None) for name in names}
    row.title, row.teaser = _TITLE_SLOT, _TEASER_SLOT
    row.title_highlighted = row.teaser_highlighted = None
    try:
        html = render_to_string(
            _TEMPLATES[kind], {"publication": row, "heading_level": _HEADING_SLOT}
        )
    finally:
        for name, value in kept.items():
            setattr(row, name, value)
    head, _slot, rest = html.partition(_TITLE_SLOT)
    middle, _slot, tail = rest.partition(_TEASER_SLOT)
    return head, middle, tail


def _store(built, kind, version):
    """Store the cards *built* at content version *version*; never fail the page."""
    cards = [
        StoredCard(
            publication_id=pk, kind=kind, parts=_SEPARATOR.join(parts), built_at=version
        )
        for pk, parts in sorted(built.items())
        if _is_storable(kind, parts)
    ]
    if not cards:
        return
    try:
        with transaction.atomic():
            StoredCard.objects.bulk_create(
                cards,
                update_conflicts=True,
                unique_fields=["publication", "kind"],
                update_fields=["parts", "built_at"],
            )
    except DatabaseError as error:
        # Another server storing the same cards, or a read-only moment: the
        # page is served all the same and the cards built again next time.
        logger.warning("Could not store publication cards: %s", error)


def _is_storable(kind, parts):
    """Return True if *parts* read back as they are (no slot text inside)."""
    html = "".join(parts)
    if _SEPARATOR in html:
        return False
    if kind == StoredCard.Kind.LIST:
        # The heading's opening and closing tags, and nothing else.
        return html.count(_HEADING_SLOT) == 2 and len(parts) == 3
    return True
