"""The editorial roles every install has, as (app_label, codename) permissions."""

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

PUBLISH = ("publications", "publish_publication")
EXPORT = ("publications", "export_publication")


def _perms(models, actions):
    return [(app, f"{action}_{model}") for app, model in models for action in actions]


CONTRIBUTORS = [
    *_perms(_CONTENT_MODELS, ("add", "change", "view")),
    *_perms(_INLINE_MODELS, ("add", "change", "delete", "view")),
    ("publications", "view_publication"),
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

PUBLISH_PERMISSION = "{}.{}".format(*PUBLISH)
_PUBLISHED = "published"  # Publication.Status.PUBLISHED; no model import here


def may_publish(user):
    """Return True if *user* may publish, schedule and unpublish."""
    return user.has_perm(PUBLISH_PERMISSION)


def may_change(user, publication):
    """Return True if *user* may save changes to *publication* as it is stored.

    Whatever is saved to a published item (live, scheduled, or past its
    unpublish date and one date change from live again) is public without
    review, so only those who may publish change one.
    """
    return publication.status != _PUBLISHED or may_publish(user)
