"""Uploaded files and the rows that name them.

A model lists its file fields with track_files(). Then:

- a file that a save replaces or clears, or whose row is deleted, is removed
  from storage once the transaction commits, unless another row or a saved
  history version (django-reversion) still names it: restoring a version
  brings its files back;
- is_public() says whether anyone may fetch a file of public storage: only
  while a row that the model's public rule accepts names it (a live
  publication; an author credited on one);
- may_preview() says whether a staff user who may view a row or version
  naming a file may see it, as the admin and previews show it.

An image's renditions (core.renditions) go with it: they are removed with
it, kept while it is named, and served under its rule.
"""

import json
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.db.models import FileField, ImageField
from django.db.models.signals import post_delete, pre_save
from reversion.models import Version

from core import renditions
from core.uploads import RandomUploadPath, private_storage

# model -> its own file fields, for every model passed to track_files().
_FIELDS = {}
# model -> rule: a function from a QuerySet of the model to the rows whose
# files anyone may fetch.
_PUBLIC_RULES = {}


def track_files(model, *, public=None):
    """Remove the files *model*'s rows stop naming; *public* says whose are public.

    *public* takes a QuerySet of *model* and returns the rows whose files
    anyone may fetch; without it, only staff who may view a row do. Call it
    once the model's subclasses are defined: their saves and deletions are
    followed too.
    """
    _FIELDS[model] = tuple(
        field for field in model._meta.local_fields if isinstance(field, FileField)
    )
    if public is not None:
        _PUBLIC_RULES[model] = public
    for sender in (model, *_subclasses(model)):
        uid = f"folio-media-files:{sender._meta.label}"
        pre_save.connect(_remember_stored_files, sender=sender, dispatch_uid=uid)
        post_delete.connect(_forget_deleted_files, sender=sender, dispatch_uid=uid)


def _subclasses(model):
    for subclass in model.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _fields_of(model):
    """Return the tracked file fields of *model*, its parents' included."""
    return [field for klass in model.__mro__ for field in _FIELDS.get(klass, ())]


def _remember_stored_files(sender, instance, update_fields=None, using=None, **kwargs):
    fields = _fields_of(sender)
    if update_fields is not None:
        fields = [field for field in fields if field.name in update_fields]
    if not fields or instance.pk is None:
        return
    using = using or router.db_for_write(sender, instance=instance)
    stored = (
        sender._base_manager.using(using)
        .filter(pk=instance.pk)
        .values_list(*(field.attname for field in fields))
        .first()
    )
    if stored:
        _check_after_commit(sender, instance.pk, fields, stored, using)


def _forget_deleted_files(sender, instance, using=None, **kwargs):
    fields = _fields_of(sender)
    names = [getattr(instance, field.attname).name for field in fields]
    _check_after_commit(sender, instance.pk, fields, names, using)


def _check_after_commit(model, pk, fields, names, using):
    named = [(field, name) for field, name in zip(fields, names, strict=True) if name]
    if named:
        # The change has committed by then: a storage failure leaves a file
        # nothing names (not served; remove_unused_media finds it), never
        # an error for a save that succeeded.
        transaction.on_commit(
            partial(_remove_if_unused, model, pk, named, using),
            using=using,
            robust=True,
        )


def _remove_if_unused(model, pk, named, using):
    """Remove the files of *named* that row *pk* and everything else let go."""
    now = (
        model._base_manager.using(using)
        .filter(pk=pk)
        .values_list(*(field.attname for field, _name in named))
        .first()
    ) or ()
    for field, name in named:
        if name not in now and not is_named(name, using=using):
            field.storage.delete(name)
            if isinstance(field, ImageField):
                renditions.delete_renditions(field.storage, name)


def is_named(name, *, using=None):
    """Return True if a tracked row or a saved history version names file *name*."""
    return (
        any(_rows_naming(name, using=using)) or _versions_naming(name, using).exists()
    )


def _rows_naming(name, *, using=None):
    """Yield the tracked models whose rows name *name*."""
    for model, fields in _FIELDS.items():
        for field in fields:
            if _may_hold(field, name) and (
                model._base_manager.using(using).filter(**{field.name: name}).exists()
            ):
                yield model


def _versions_naming(name, using):
    # A version holds each field as JSON: the name, quoted as json.dumps does.
    return Version.objects.using(using).filter(
        serialized_data__contains=json.dumps(name)
    )


def _may_hold(field, name):
    """Return False if *field*'s upload folder rules out file *name*."""
    upload_to = field.upload_to
    if isinstance(upload_to, RandomUploadPath):
        return name.startswith(f"{upload_to.prefix}/")
    return True


def is_public(name):
    """Return True if anyone may fetch *name* from public storage now."""
    name = renditions.source_name(name) or name
    for model, rule in _PUBLIC_RULES.items():
        for field in _FIELDS[model]:
            if field.storage is private_storage or not _may_hold(field, name):
                continue
            if rule(model._default_manager.filter(**{field.name: name})).exists():
                return True
    return False


def may_preview(user, name):
    """Return True if staff *user* may view a row or saved version naming *name*."""
    if not (user.is_active and user.is_staff):
        return False
    name = renditions.source_name(name) or name
    versioned = _versions_naming(name, None).values("content_type")
    models = {
        *_rows_naming(name),
        *(
            content_type.model_class()
            for content_type in ContentType.objects.filter(pk__in=versioned)
        ),
    }
    return any(
        user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
        for model in models
        if model is not None
    )


def unused_files(*, older_than):
    """Yield (storage, name) of stored uploads nothing names, older than *older_than*.

    For files left behind when the removal after a commit did not run (a
    worker stopped in between) or from before files were followed. Younger
    files may belong to a save not committed yet. A rendition goes with its
    image: kept while the image is named, unused once it is not.
    """
    for storage, folder, fields in _upload_folders():
        named = set()
        for field in fields:
            named.update(
                field.model._base_manager.exclude(**{field.name: ""}).values_list(
                    field.attname, flat=True
                )
            )
        versioned = {}  # image name -> whether a version names it
        for name in _walk(storage, folder):
            owner = renditions.source_name(name) or name
            if owner in named:
                continue
            if owner not in versioned:
                versioned[owner] = _versions_naming(owner, None).exists()
            if versioned[owner]:
                continue
            try:
                modified = storage.get_modified_time(name)
            except OSError:
                continue
            if modified < older_than:
                yield storage, name


def _upload_folders():
    """Return (storage, folder, fields) for each folder tracked fields upload to."""
    folders = {}
    for fields in _FIELDS.values():
        for field in fields:
            if isinstance(field.upload_to, RandomUploadPath):
                key = (field.storage, field.upload_to.prefix)
                folders.setdefault(key, []).append(field)
    return [(storage, folder, fields) for (storage, folder), fields in folders.items()]


def _walk(storage, folder):
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        yield f"{folder}/{name}"
    for child in folders:
        yield from _walk(storage, f"{folder}/{child}")
