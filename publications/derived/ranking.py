"""Rank the related items of many live publications at once, in memory.

publications.related.ranked_related() ranks one list with a few queries:
20 to 500 ms at 100,000 publications when its topics are popular, hours
for every list of a large site. Ranking them all at once reads each tag
row once (half a million at 100,000 publications) and keeps, per topic,
one bit per live item, newest first: an item's shared-topic counts against
every other item are then a few big-integer operations, and its best items
the lowest set bits. The order is ranked_related()'s, exactly: most shared
topics first, then newest, then highest id; the item itself and its pins
(live or not) left out. Tests check the two agree.
"""

from publications.models import PinnedPublication, Publication, TaggedPublication


def rank_lists(*, limit, sources=None, now=None):
    """Return {live item id: [(id, shared topics, publish_at), ...]} for *sources*.

    *sources*: ids of the items to rank for (None: every live item); ids
    not live are left out, as they have no list.
    """
    items = list(
        Publication.objects.live(now=now)
        .order_by("-publish_at", "-pk")
        .values_list("pk", "publish_at")
    )
    index = {pk: position for position, (pk, _) in enumerate(items)}
    topics_of = {}
    carriers = {}
    tag_rows = TaggedPublication.objects.values_list("content_object_id", "tag_id")
    for pk, tag_id in tag_rows.iterator(chunk_size=20_000):
        position = index.get(pk)
        if position is None:
            continue
        topics_of.setdefault(pk, []).append(tag_id)
        carriers.setdefault(tag_id, []).append(position)
    bits = {
        tag_id: _bitset(positions, len(items)) for tag_id, positions in carriers.items()
    }
    del carriers
    if sources is None:
        wanted = list(index)
    else:
        wanted = [pk for pk in sorted(set(sources)) if pk in index]
    # Pins are few: all read, rather than asked for by thousands of ids.
    pins = {}
    for source, target in PinnedPublication.objects.values_list(
        "source_id", "target_id"
    ):
        pins.setdefault(source, set()).add(target)
    everyone = (1 << len(items)) - 1
    ranked = {}
    for pk in wanted:
        skip = {index[pk]}
        skip.update(index[target] for target in pins.get(pk, ()) if target in index)
        positions = _best(
            [bits[tag_id] for tag_id in topics_of.get(pk, ())], everyone, skip, limit
        )
        ranked[pk] = [(items[i][0], shared, items[i][1]) for i, shared in positions]
    return ranked


def _bitset(positions, size):
    """Return an int with the bits at *positions* set (built as bytes: fast)."""
    octets = bytearray(size // 8 + 1)
    for position in positions:
        octets[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(octets, "little")


def _best(topic_bits, everyone, skip, limit):
    """Return [(position, shared)] of the *limit* best items, best first.

    *topic_bits*: one bitset per own topic. The counts are kept as bit
    planes (plane p holds bit p of each item's count), so adding a topic
    costs a few operations on whole bitsets whatever the number of items.
    """
    if limit <= 0 or not topic_bits:
        return []
    planes = []
    for carry in topic_bits:
        for level, plane in enumerate(planes):
            planes[level], carry = plane ^ carry, plane & carry
            if not carry:
                break
        else:
            if carry:
                planes.append(carry)
    best = []
    for shared in range(len(topic_bits), 0, -1):
        exactly = everyone
        for level, plane in enumerate(planes):
            exactly &= plane if shared >> level & 1 else everyone ^ plane
            if not exactly:
                break
        while exactly:
            lowest = exactly & -exactly
            exactly ^= lowest
            position = lowest.bit_length() - 1
            if position in skip:
                continue
            best.append((position, shared))
            if len(best) == limit:
                return best
    return best
