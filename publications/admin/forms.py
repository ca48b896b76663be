"""Forms behind the publication admins: clear messages for clashes and topics."""

from pathlib import PurePath

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.utils.translation import gettext_lazy as _
from taggit.utils import parse_tags

from core.admin.conflicts import VersionedModelForm
from core.admin.widgets import LabelledFileInputMixin
from core.held_uploads import HoldsUploadWidgetMixin
from publications.models import Publication
from publications.publishing_rules import describe_missing, missing_in_submission


class PublicationAdminForm(VersionedModelForm):
    """Shared by the Report and RelatedPublication admins."""

    new_topics = forms.CharField(
        label=_("New topics"),
        required=False,
        max_length=500,
        help_text=_("Topics that are not in the list above yet, separated by commas."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        clash = (
            Publication.objects.filter(slug=slug)
            .exclude(pk=self.instance.pk)
            .only("title", "kind")
            .first()
        )
        if clash is not None:
            raise forms.ValidationError(
                _(
                    "The %(kind)s “%(title)s” already uses this slug. Reports "
                    "and related publications share the address "
                    "/publications/<slug>/, so choose another slug."
                ),
                code="unique",
                params={
                    "kind": clash.get_kind_display().lower(),
                    "title": clash.title,
                },
            )
        return slug

    def clean_new_topics(self):
        try:
            return parse_tags(self.cleaned_data["new_topics"])
        except ValueError as error:
            raise forms.ValidationError(
                _("Separate the new topics with commas.")
            ) from error

    def clean(self):
        cleaned_data = super().clean()
        self._check_number(cleaned_data)
        self._check_dates(cleaned_data)
        if "tags" in cleaned_data and cleaned_data.get("new_topics"):
            # taggit accepts Tag objects and names; names are matched
            # case-insensitively (TAGGIT_CASE_INSENSITIVE) or created.
            cleaned_data["tags"] = [
                *cleaned_data["tags"],
                *cleaned_data["new_topics"],
            ]
        self._check_publishing(cleaned_data)
        return cleaned_data

    def _check_publishing(self, cleaned_data):
        """Refuse to publish or schedule an item lacking what readers need.

        The inline formsets come from the admin (PublicationAdminBase), so
        the rows counted are those submitted with this form. A draft may
        have gaps.
        """
        status = cleaned_data.get("status", self.instance.status)
        if status != Publication.Status.PUBLISHED:
            return
        if getattr(self.instance, "_saves_to_draft", False):
            # Kept as unpublished changes: checked when they are published.
            return
        formsets = getattr(self.instance, "_admin_formsets", ())
        if missing := missing_in_submission(self, formsets):
            self.add_error(
                None,
                forms.ValidationError(
                    describe_missing(self.instance, missing), code="incomplete"
                ),
            )

    def _check_number(self, cleaned_data):
        number = cleaned_data.get("number")
        publication_type = cleaned_data.get("publication_type")
        if number is None or publication_type is None:
            return
        clash = (
            Publication.objects.filter(
                publication_type=publication_type, number=number, draft_of=None
            )
            .exclude(pk__in=(self.instance.pk, self.instance.draft_of_id))
            .only("title")
            .first()
        )
        if clash is not None:
            self.add_error(
                "number",
                forms.ValidationError(
                    _(
                        "%(type)s No. %(number)s already exists: “%(title)s”. "
                        "Choose another number."
                    ),
                    code="unique",
                    params={
                        "type": publication_type.name,
                        "number": number,
                        "title": clash.title,
                    },
                ),
            )

    def _check_dates(self, cleaned_data):
        publish_at = cleaned_data.get("publish_at")
        unpublish_at = cleaned_data.get("unpublish_at")
        if publish_at and unpublish_at and unpublish_at <= publish_at:
            self.add_error(
                "unpublish_at",
                forms.ValidationError(
                    _("The unpublish date must be after the publish date."),
                    code="unpublish_before_publish",
                ),
            )


class _StoredPdf:
    """What the file widget shows for a stored PDF: its name and download link."""

    def __init__(self, name, url):
        self.name = name
        self.url = url

    def __str__(self):
        return PurePath(self.name).name


class PdfAdminWidget(LabelledFileInputMixin, HoldsUploadWidgetMixin, AdminFileWidget):
    """Show the current PDF by its file name, linked to its access-checked view.

    A PDF chosen in a save refused for another field is kept (see
    core.held_uploads).
    """

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = _StoredPdf(value.name, value.url)
        return context
