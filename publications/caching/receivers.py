"""Which changes readers can see, and which pages they alter.

Saving a draft, or an item scheduled for later, changes no public page and
leaves every cached entry alone; a scheduled item only makes the version
move on at its moment. A public change moves the version on and marks the
surrogate keys of the pages it alters (surrogates.py) as changed: only
those pages are built again, and a shared HTTP cache purges the same keys
(purges.py). Each receiver runs in the transaction of the change (models
saved through core.models.AtomicSaveMixin, the admin's atomic views), so
all of it commits with the change or not at all.
"""

from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author
from publications.caching import purges
from publications.caching.surrogates import (
    EVERYTHING,
    LISTING,
    author_profile_key,
    edited_in_place_keys,
    listing_key,
    publication_keys,
)
from publications.caching.versions import (
    LEAVES_JUST_AFTER,
    public_content_changed,
    scheduled_change_at,
)
from publications.models import (
    Authorship,
    PinnedPublication,
    Publication,
    PublicationType,
    RelatedPublication,
    Report,
    Series,
    SummaryPoint,
    TaggedPublication,
)

_PUBLICATION_MODELS = (Publication, Report, RelatedPublication)


def _is_live(publication_id):
    return Publication.objects.live().filter(pk=publication_id).exists()


def _changed(keys):
    """Move the version on and mark *keys* (a set or a callable) as changed."""
    public_content_changed(keys)


def _publication_about_to_save(sender, instance, raw=False, **kwargs):
    # The state before the save, to tell whether the item was public, and
    # the pages it was on then.
    published = None
    if instance.pk:
        published = (
            Publication.objects.live()
            .filter(pk=instance.pk)
            .values_list("publish_at", flat=True)
            .first()
        )
    instance._folio_was_live = published is not None
    instance._folio_published_before = published
    if instance._folio_was_live:
        instance._folio_keys_before = publication_keys(instance.pk)


def _publication_saved(sender, instance, raw=False, **kwargs):
    if raw:
        _changed({EVERYTHING})
    elif getattr(instance, "_folio_was_live", True) or instance.is_live():
        _changed(lambda: _saved_keys(instance))
    _schedule(instance)


def _saved_keys(publication):
    before = getattr(publication, "_folio_keys_before", set())
    after = publication_keys(publication.pk)
    if (
        getattr(publication, "_folio_was_live", False)
        and publication.is_live()
        and after == before
        and publication.publish_at == publication._folio_published_before
    ):
        # Edited in place: in the same lists, at the same place.
        return edited_in_place_keys(publication.pk, after)
    return before | after


def _schedule(publication):
    """Make the version move on when *publication* goes live or leaves."""
    if publication.status != Publication.Status.PUBLISHED:
        return
    now = timezone.now()
    if publication.publish_at > now:
        scheduled_change_at(publication.publish_at)
        purges.purge_at(publication.pk, publication.publish_at)
    if publication.unpublish_at is not None and publication.unpublish_at >= now:
        scheduled_change_at(publication.unpublish_at, leaves=True)
        purges.purge_at(publication.pk, publication.unpublish_at + LEAVES_JUST_AFTER)


def _publication_about_to_delete(sender, instance, **kwargs):
    # Its authors and topics are deleted with it, before post_delete.
    if instance.is_live():
        instance._folio_keys_before = publication_keys(instance.pk)


def _publication_deleted(sender, instance, **kwargs):
    if instance.is_live():
        _changed(getattr(instance, "_folio_keys_before", {EVERYTHING}))


def _part_changed(publication_field, own_keys=None, *, in_place=False):
    """Return a receiver for rows shown on the page of a publication.

    *own_keys*(row) names the pages the row also puts the publication on,
    such as its author's: altered even when the row is deleted. *in_place*
    rows never move it between lists (its summary, the items it pins).
    """

    def receiver(sender, instance, raw=False, **kwargs):
        publication_id = getattr(instance, publication_field)
        if raw:
            _changed({EVERYTHING})
        elif _is_live(publication_id):
            own = own_keys(instance) if own_keys else set()
            _changed(lambda: own | _part_keys(publication_id, in_place))

    return receiver


def _part_keys(publication_id, in_place):
    keys = publication_keys(publication_id)
    return edited_in_place_keys(publication_id, keys) if in_place else keys


def _authorship_keys(authorship):
    slug = Author.objects.filter(pk=authorship.author_id).values_list("slug", flat=True)
    return {
        f"author-{authorship.author_id}",
        *(listing_key("author", value) for value in slug),
    }


def _topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        public = _is_live(instance.pk)
        tags, publications = pk_set, [instance.pk]
    else:
        live = Publication.objects.live().filter(pk__in=pk_set or ())
        public = live.exists()
        tags, publications = [instance.pk], pk_set
    if public:
        _changed(lambda: _topics_keys(tags, publications))


def _topics_keys(tags, publications):
    if tags is None or publications is None:
        # Cleared: which topics it had is gone.
        return {EVERYTHING}
    keys = {f"topic-{pk}" for pk in tags}
    for pk in publications:
        keys |= publication_keys(pk)
    return keys


def _shown_if(is_public):
    """Return a receiver that moves the version on if is_public(instance).

    Topics and types are named on the cards of many pages, authors and
    series in every listing's filter options: a public change to a topic or
    type, or the deletion of an author or series, alters every page (an
    author's or series' edit: _detail_receivers).
    """

    def receiver(sender, instance, raw=False, **kwargs):
        if raw or is_public(instance):
            _changed({EVERYTHING})

    return receiver


def _detail_receivers(model, is_public, shown_everywhere, own_keys):
    """Return (pre_save, post_save) receivers for an author or a series.

    *shown_everywhere* are the fields every card or every listing's filter
    options show (a name, an address): a public change to one alters every
    page. A change to the others alters the object's own pages,
    own_keys(instance), and the unfiltered lists (LISTING: its index, and
    the pages that name no keys, such as the API's).
    """

    def about_to_save(sender, instance, raw=False, **kwargs):
        instance._folio_shown_before = (
            model.objects.filter(pk=instance.pk).values_list(*shown_everywhere).first()
            if instance.pk
            else None
        )

    def saved(sender, instance, raw=False, **kwargs):
        if raw:
            _changed({EVERYTHING})
        elif is_public(instance):
            shown = tuple(getattr(instance, name) for name in shown_everywhere)
            if shown != getattr(instance, "_folio_shown_before", None):
                _changed({EVERYTHING})
            else:
                _changed(lambda: {*own_keys(instance), LISTING})

    return about_to_save, saved


def _author_is_public(author):
    return Publication.objects.live().filter(authorships__author=author).exists()


def _series_is_public(series):
    return Report.objects.live().filter(series=series).exists()


def _topic_is_public(tag):
    return Publication.objects.live().filter(tagged_items__tag=tag).exists()


def connect():
    """Connect the receivers (from PublicationsConfig.ready)."""
    uid = "folio-caching"
    for model in _PUBLICATION_MODELS:
        pre_save.connect(_publication_about_to_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_publication_about_to_delete, sender=model, dispatch_uid=uid)
        post_save.connect(_publication_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_publication_deleted, sender=model, dispatch_uid=uid)
    parts = (
        (SummaryPoint, "report_id", None, True),
        (Authorship, "publication_id", _authorship_keys, False),
        (PinnedPublication, "source_id", None, True),
        (
            TaggedPublication,
            "content_object_id",
            lambda row: {f"topic-{row.tag_id}"},
            False,
        ),
    )
    for model, field, key, in_place in parts:
        receiver = _part_changed(field, key, in_place=in_place)
        post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
    m2m_changed.connect(_topics_changed, sender=TaggedPublication, dispatch_uid=uid)
    details = (
        # An author's bio, photo, position and affiliation show on the pages
        # of the author's publications (author_profile_key).
        (
            Author,
            _author_is_public,
            ("name", "slug"),
            lambda author: {author_profile_key(author.pk), f"author-{author.pk}"},
        ),
        # A series' description and commissioner show on its reports' pages,
        # which carry its key for the series box.
        (Series, _series_is_public, ("title", "slug"), lambda s: {f"series-{s.pk}"}),
    )
    for model, is_public, shown_everywhere, own_keys in details:
        about_to_save, saved = _detail_receivers(
            model, is_public, shown_everywhere, own_keys
        )
        pre_save.connect(about_to_save, sender=model, dispatch_uid=uid, weak=False)
        post_save.connect(saved, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(
            _shown_if(is_public), sender=model, dispatch_uid=uid, weak=False
        )
    shown = (
        (Tag, _topic_is_public),
        (PublicationType, lambda publication_type: True),
    )
    for model, is_public in shown:
        receiver = _shown_if(is_public)
        post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
