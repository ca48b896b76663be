"""How the admin edits core's model fields."""

from django.contrib.admin.widgets import AdminTextareaWidget, AutocompleteSelectMultiple

from core.held_uploads import HeldAdminFileWidget
from core.richtext import EDITOR_EXTENSIONS, RichTextField
from core.uploads import CleanImageField


class LabelledFileInputMixin:
    """Label the file input itself with the field's label.

    Django groups a clearable file input's checkbox and file input in a
    fieldset whose legend names neither control, so screen readers and axe
    find an unnamed file input. Without the fieldset, the field's <label>
    points at the file input and the Clear checkbox keeps its own label.
    """

    use_fieldset = False


class AdminImageWidget(LabelledFileInputMixin, HeldAdminFileWidget):
    """Show the stored image as a thumbnail rather than as its file path."""

    # In the app, where the default form renderer looks for widget templates.
    template_name = "core/widgets/admin_image_input.html"


ADMIN_FORMFIELD_OVERRIDES = {
    RichTextField: {
        "widget": AdminTextareaWidget,
        "config": {"extensions": EDITOR_EXTENSIONS},
    },
    # A chosen image survives a save refused for another field.
    CleanImageField: {"widget": AdminImageWidget},
}


class AutocompleteSelectMultipleWithoutClearAll(AutocompleteSelectMultiple):
    """A multiple autocomplete without select2's "remove all items" cross.

    Each chosen item keeps its own remove button. The clear-all cross is a
    <span> that select2 puts straight into its <ul> of choices, which breaks
    the list for screen readers (axe's "list" rule), and one stray click on it
    drops every choice.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs
