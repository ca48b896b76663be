"""Everything Folio caches, and the one rule that keeps it fresh.

Whole pages for anonymous readers (pages.py) and the parts that are costly
to build (cards, related items, counts, filter options: entries.py) are kept
in the shared cache: Redis with REDIS_URL, otherwise the database cache in
the site's own database, so every app server of one site sees the same
entries. Each entry carries the content version it was built at.

The version is a row of the site's database. It moves on in the same
transaction as every public change (receivers.py), and at the first request
after a scheduled item goes live or leaves; the same transaction writes the
new version for the surrogate keys of the pages the change alters
(surrogates.py: the item's page, the lists, feeds and searches it is in, the
pages of its authors, topics and series, the pages showing it as related).
A page counts while none of the keys it was stored with has changed since
it was built, a card while its item has not, and other parts while the
version is the one they were built at. An entry is therefore never served
once the change that made it stale has committed, whatever the cache did
meanwhile: an outage, refused writes, evictions or a restart only cost
entries, which are then built afresh. Reader code asks for a value and gets
it; it never knows which cache answered, or whether one did. Each worker
also keeps its most read pages and its largest parts in its own memory,
under the same rules.
"""

from publications.caching import entries, pages
from publications.caching.entries import remember, remember_each, remember_updating
from publications.caching.versions import content_version

__all__ = [
    "content_version",
    "forget_in_process",
    "remember",
    "remember_each",
    "remember_updating",
]


def forget_in_process():
    """Drop the entries and pages this process keeps (for tests that swap caches)."""
    entries.forget_in_process()
    pages.forget_recent_pages()
