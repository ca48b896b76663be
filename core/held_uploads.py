"""Uploads kept when a form is refused, so the editor need not choose them again.

Browsers never fill a file input in again: when a change form comes back
with an error elsewhere, the PDF or image the editor chose would be lost.
A file that passed its own checks is kept in private storage instead, and the
form carries a signed token for it; saving the form again without choosing
another file uses the kept one.

A token names its place: the user, the model, the field and the object (its
pk, or "new" on an add form) it was kept for, and is refused anywhere else,
as if no file had been chosen. It serves once: the save that uses it removes
the kept file when its transaction commits. Tokens expire after HELD_SECONDS
and kept files are removed a day after they were kept.
"""

import secrets
import time
from dataclasses import astuple, dataclass
from functools import partial
from pathlib import PurePath

from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.uploads import private_storage

HELD_SECONDS = 60 * 60
_SALT = "folio.held-upload"
_FOLDER = "held"
_KEPT_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class HoldPlace:
    """Where a kept upload may be used again: one user's one file input."""

    user: int
    model: str  # "app_label.model_name"
    field: str
    object: str  # the pk, or "new" on an add form

    @classmethod
    def of(cls, *, user, instance, field):
        """Return the place of *field* of *instance*'s form shown to *user*."""
        if user is None or not user.is_authenticated:
            return None
        adding = instance._state.adding or instance.pk is None
        return cls(
            user=user.pk,
            model=instance._meta.label_lower,
            field=field,
            object="new" if adding else str(instance.pk),
        )


class HeldUpload(File):
    """A kept upload offered again; *token* names it in the form."""

    def __init__(self, file, *, name, token, path):
        super().__init__(file, name=name)
        self.token = token
        self.path = path


def hold(upload, *, place):
    """Keep *upload* in private storage for *place*; return it as a HeldUpload."""
    _remove_old_kept_files()
    upload.seek(0)
    path = private_storage.save(f"{_FOLDER}/{secrets.token_urlsafe(16)}", upload)
    name = PurePath(upload.name).name
    token = signing.dumps(
        {"path": path, "name": name, "place": list(astuple(place))}, salt=_SALT
    )
    return HeldUpload(
        private_storage.open(path, "rb"), name=name, token=token, path=path
    )


def held(token, *, place):
    """Return the upload *token* names for *place*, or None.

    None if the token is forged, expired, used, or was kept for another
    user, model, field or object.
    """
    try:
        data = signing.loads(token, salt=_SALT, max_age=HELD_SECONDS)
        path, name, kept_for = data["path"], data["name"], data["place"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    if place is None or kept_for != list(astuple(place)):
        return None
    if not str(path).startswith(f"{_FOLDER}/"):
        return None
    try:
        return HeldUpload(
            private_storage.open(path, "rb"), name=name, token=token, path=path
        )
    except OSError:
        return None


def release(upload):
    """Remove the kept file of *upload*: its token attaches nothing any more."""
    upload.close()
    private_storage.delete(upload.path)


def _remove_old_kept_files():
    try:
        _folders, names = private_storage.listdir(_FOLDER)
    except FileNotFoundError:
        return
    for name in names:
        path = f"{_FOLDER}/{name}"
        try:
            age = time.time() - private_storage.get_modified_time(path).timestamp()
            if age > _KEPT_SECONDS:
                private_storage.delete(path)
        except OSError:
            continue


class HoldsUploadWidgetMixin:
    """A file input that offers again an upload kept by HoldsUploadsFormMixin."""

    # Set on the form's own copy: the HoldPlace of this input (None: keep
    # nothing, accept no token), the kept upload it shows as (token, file
    # name), and the HeldUpload a submitted token gave.
    place = None
    kept = None
    used = None

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        token = data.get(f"{name}-held")
        if value is not None or not token:
            return value
        if self.used is None or self.used.token != token:
            self.used = held(token, place=self.place)
        return self.used

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.kept:
            return html
        token, file_name = self.kept
        message = _(
            "Kept from your last try: %(name)s. Save to use it, or choose another file."
        ) % {"name": file_name}
        return format_html(
            '{}<input type="hidden" name="{}-held" value="{}">'
            '<p class="help folio-held-upload" role="status">{}</p>',
            html,
            name,
            token,
            message,
        )


class HeldAdminFileWidget(HoldsUploadWidgetMixin, AdminFileWidget):
    """The admin's file input, keeping an upload across a refused save."""


class HoldsUploadsFormMixin:
    """Keep the valid uploads of a model form that is refused for another reason.

    Uploads are kept for ``viewer``, the user the form is shown to, set on
    the form class for each request (VersionedAdminMixin.get_form does);
    without one nothing is kept.
    """

    viewer = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, widget in self._holding_widgets():
            widget.place = HoldPlace.of(
                user=self.viewer, instance=self.instance, field=name
            )

    def _holding_widgets(self):
        for name, field in self.fields.items():
            if isinstance(field.widget, HoldsUploadWidgetMixin):
                yield name, field.widget

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self._errors:
            return
        for name, widget in self._holding_widgets():
            if name in self._errors or widget.place is None:
                continue
            value = self.cleaned_data.get(name)
            if widget.used is not None and value is not None:
                # Offered again under the same token, even if the field
                # replaced it with a cleaned copy.
                widget.kept = (widget.used.token, widget.used.name)
            elif isinstance(value, File) and not isinstance(value, FieldFile):
                kept = hold(value, place=widget.place)
                widget.kept = (kept.token, kept.name)

    def save(self, commit=True):
        instance = super().save(commit)
        if commit:
            self._release_used_uploads()
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_release():
                save_m2m()
                self._release_used_uploads()

            self.save_m2m = save_m2m_and_release
        return instance

    def _release_used_uploads(self):
        """Remove the kept files this save used, once it has committed."""
        for _name, widget in self._holding_widgets():
            if widget.used is not None:
                transaction.on_commit(partial(release, widget.used), robust=True)
