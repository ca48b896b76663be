"""Uploads kept when a form is refused, so the editor need not choose them again.

Browsers never fill a file input in again: when a change form comes back
with an error elsewhere, the PDF or image the editor chose would be lost.
A file that passed its own checks is kept in private storage instead, and the
form carries a signed token for it; saving the form again without choosing
another file uses the kept one. Tokens expire after HELD_SECONDS and kept
files are removed a day after they were kept.
"""

import secrets
import time
from pathlib import PurePath

from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.uploads import private_storage

HELD_SECONDS = 60 * 60
_SALT = "folio.held-upload"
_FOLDER = "held"
_KEPT_SECONDS = 24 * 60 * 60


class HeldUpload(File):
    """A kept upload offered again; *token* names it in the form."""

    def __init__(self, file, *, name, token):
        super().__init__(file, name=name)
        self.token = token


def hold(upload):
    """Keep *upload* in private storage; return it as a HeldUpload."""
    _remove_old_kept_files()
    upload.seek(0)
    path = private_storage.save(f"{_FOLDER}/{secrets.token_urlsafe(16)}", upload)
    name = PurePath(upload.name).name
    token = signing.dumps({"path": path, "name": name}, salt=_SALT)
    return HeldUpload(private_storage.open(path, "rb"), name=name, token=token)


def held(token):
    """Return the upload *token* names, or None if it is forged, expired or gone."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=HELD_SECONDS)
        path, name = data["path"], data["name"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    if not str(path).startswith(f"{_FOLDER}/"):
        return None
    try:
        return HeldUpload(private_storage.open(path, "rb"), name=name, token=token)
    except OSError:
        return None


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

    # (token, file name) of the kept upload; set on the form's own copy.
    kept = None

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        token = data.get(f"{name}-held")
        if value is None and token:
            return held(token)
        return value

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
    """Keep the valid uploads of a form that is refused for another reason."""

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self._errors:
            return
        for name, field in self.fields.items():
            if name in self._errors or not isinstance(
                field.widget, HoldsUploadWidgetMixin
            ):
                continue
            value = self.cleaned_data.get(name)
            if isinstance(value, HeldUpload):
                field.widget.kept = (value.token, value.name)
            elif isinstance(value, File) and not isinstance(value, FieldFile):
                kept = hold(value)
                field.widget.kept = (kept.token, kept.name)
