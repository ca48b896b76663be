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
