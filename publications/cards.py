"""Publication cards, rendered once per change of their item for every list.

A card (type, title, date, authors, teaser, topics) is the same on every
list that shows it and changes only when its item does, so each is rendered
once and remembered (see publications.caching): a list page then reads its
cards in one round trip instead of fetching authors and topics and
rendering templates. A list
card's title and teaser are left as slots and filled per page, so that
search results can show them with their matches marked.
"""

from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from publications.caching import remember_each
from publications.caching.surrogates import publication_key
from publications.models import Publication
from publications.selectors import with_card_relations
from publications.templatetags.folio import highlighted

_TITLE_SLOT = "\ue000title\ue000"
_TEASER_SLOT = "\ue000teaser\ue000"


def card_rows(publications):
    """Return *publications* as the rows publication_cards() needs.

    Only ids, titles and teasers are read: the rest of a card is remembered.
    """
    return publications.only("pk", "title", "teaser")


def publication_cards(rows, *, heading_level=2):
    """Return the HTML of the list cards of *rows* (from card_rows()), in order.

    A search result's row may carry title_highlighted and
    teaser_highlighted (publications.search).
    """
    rows = list(rows)
    fragments = _fragments(
        [row.pk for row in rows],
        name=f"list-card:{heading_level}",
        template_name="includes/publication_card.html",
        context={"heading_level": heading_level},
        rows=rows,
    )
    cards = []
    for row in rows:
        if row.pk in fragments:
            head, middle, tail = fragments[row.pk]
            title = conditional_escape(highlighted(row, "title"))
            teaser = conditional_escape(highlighted(row))
            cards.append(mark_safe(f"{head}{title}{middle}{teaser}{tail}"))
    return cards


def related_cards(ids):
    """Return the HTML of the related-item boxes of publications *ids*, in order."""
    fragments = _fragments(
        ids,
        name="related-box",
        template_name="includes/related_item.html",
        context={},
        rows=(),
        teaser_slot=False,
    )
    return [mark_safe(fragments[pk][0]) for pk in ids if pk in fragments]


def _fragments(ids, *, name, template_name, context, rows, teaser_slot=True):
    """Return {id: (HTML around the slots)} of the given cards.

    With *teaser_slot*, a card's parts are the HTML before its title,
    between title and teaser, and after the teaser; without, it is one.

    A publication deleted since its id was read has no card.
    """
    complete = {row.pk: row for row in rows if hasattr(row, "ordered_topics")}
    keys = {f"{name}:{pk}": pk for pk in ids}

    def build(missing_keys):
        wanted = [keys[key] for key in missing_keys]
        fetch = [pk for pk in wanted if pk not in complete]
        found = dict(complete)
        if fetch:
            fetched = with_card_relations(Publication.objects.filter(pk__in=fetch))
            found.update((row.pk, row) for row in fetched)
        return {
            f"{name}:{pk}": _render(template_name, found[pk], context, teaser_slot)
            for pk in wanted
            if pk in found
        }

    # A card shows its own item only (renamed authors, topics and types
    # change every page): it counts until that item changes.
    remembered = remember_each(
        list(keys),
        build,
        keys={name: (publication_key(pk),) for name, pk in keys.items()},
    )
    return {keys[key]: parts for key, parts in remembered.items()}


def _render(template_name, row, context, teaser_slot):
    names = ("title", "teaser", "title_highlighted", "teaser_highlighted")
    kept = {name: getattr(row, name, None) for name in names}
    if teaser_slot:
        row.title, row.teaser = _TITLE_SLOT, _TEASER_SLOT
        row.title_highlighted = row.teaser_highlighted = None
    try:
        html = render_to_string(
            template_name, {**context, "publication": row, "item": row}
        )
    finally:
        for name, value in kept.items():
            setattr(row, name, value)
    if not teaser_slot:
        return (html,)
    head, _slot, rest = html.partition(_TITLE_SLOT)
    middle, _slot, tail = rest.partition(_TEASER_SLOT)
    return head, middle, tail
