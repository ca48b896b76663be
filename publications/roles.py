"""Who may do what: the editorial roles, and the one answer to "may they?".

The roles every install has are lists of (app_label, codename) permissions.
Views, the admin and the exports ask the may_* functions below rather than
checking permissions themselves.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from publications.states import Status

_CONTENT_MODELS = (
    ("publications", "report"),
    ("publications", "relatedpublication"),
    ("publications", "series"),
    ("authors", "author"),
    ("taggit", "tag"),
)
# Rows edited inline on a publication's page: removing one is part of editing.
_INLINE_MODELS = (
    ("publications", "summarypoint"),
    ("publications", "authorship"),
    ("publications", "pinnedpublication"),
    ("publications", "taggedpublication"),
)
_ALL_MODELS = (
    *_CONTENT_MODELS,
    *_INLINE_MODELS,
    ("publications", "publication"),
    ("publications", "publicationtype"),
)

PREVIEW = ("publications", "view_publication")
PUBLISH = ("publications", "publish_publication")
EXPORT = ("publications", "export_publication")


def _perms(models, actions):
    return [(app, f"{action}_{model}") for app, model in models for action in actions]


CONTRIBUTORS = [
    *_perms(_CONTENT_MODELS, ("add", "change", "view")),
    *_perms(_INLINE_MODELS, ("add", "change", "delete", "view")),
    PREVIEW,
    ("publications", "view_publicationtype"),
]
EDITORS = [
    *CONTRIBUTORS,
    *_perms(_CONTENT_MODELS, ("delete",)),
    *_perms((("publications", "publicationtype"),), ("add", "change", "delete")),
    PUBLISH,
    EXPORT,
]
EXPORTERS = [*_perms(_ALL_MODELS, ("view",)), EXPORT]

ROLES = {"Contributors": CONTRIBUTORS, "Editors": EDITORS, "Exporters": EXPORTERS}

PREVIEW_PERMISSION = "{}.{}".format(*PREVIEW)
PUBLISH_PERMISSION = "{}.{}".format(*PUBLISH)
EXPORT_PERMISSION = "{}.{}".format(*EXPORT)


def may_preview(user):
    """Return True if *user* may see drafts and scheduled items on the site."""
    return user.is_active and user.is_staff and user.has_perm(PREVIEW_PERMISSION)


def may_publish(user):
    """Return True if *user* may publish, schedule and unpublish."""
    return user.has_perm(PUBLISH_PERMISSION)


def may_change(user, publication):
    """Return True if *user* may save changes to *publication* as it is stored.

    Whatever is saved to a published item (live, scheduled, or past its
    unpublish date and one date change from live again) is public without
    review, so only those who may publish change one; others' saves go to
    its draft (publications.drafts).
    """
    return publication.status != Status.PUBLISHED or may_publish(user)


def may_tidy_topics(user):
    """Return True if *user* may rename, merge and delete topics.

    A topic's name and address show on every item carrying it, live ones
    included, so tidying topics publishes: it takes the topic permissions
    and the right to publish.
    """
    return (
        user.is_active
        and user.is_staff
        and user.has_perm("taggit.change_tag")
        and may_publish(user)
    )


def may_review(user):
    """Return True if *user* may approve items waiting for review or send them back."""
    return user.is_active and user.is_staff and may_publish(user)


def may_submit(user, publication):
    """Return True if *user* may put *publication* in the review queue."""
    model_name = publication._meta.model_name
    return (
        user.is_active
        and user.is_staff
        and user.has_perm(f"publications.change_{model_name}")
        and may_change(user, publication)
    )


def users_who_may_publish():
    """Return the active staff users holding the publish permission, in one query."""
    app_label, codename = PUBLISH
    granted = Q(
        groups__permissions__content_type__app_label=app_label,
        groups__permissions__codename=codename,
    ) | Q(
        user_permissions__content_type__app_label=app_label,
        user_permissions__codename=codename,
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | granted)
        .distinct()
    )


def may_export(user):
    """Return True if *user* may export lists of publications."""
    return user.is_active and user.is_staff and user.has_perm(EXPORT_PERMISSION)
