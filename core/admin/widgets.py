"""How the admin edits core's model fields."""

from django.contrib.admin.widgets import AdminTextareaWidget

from core.held_uploads import HeldAdminFileWidget
from core.richtext import EDITOR_EXTENSIONS, RichTextField
from core.uploads import CleanImageField

ADMIN_FORMFIELD_OVERRIDES = {
    RichTextField: {
        "widget": AdminTextareaWidget,
        "config": {"extensions": EDITOR_EXTENSIONS},
    },
    # A chosen image survives a save refused for another field.
    CleanImageField: {"widget": HeldAdminFileWidget},
}
