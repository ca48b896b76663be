"""What the Report and RelatedPublication admins share.

Publishing (status, publish date, unpublish date) needs the
``publications.publish_publication`` permission on every admin path: the
form, the bulk actions and the saving of the object itself. Without it, a
save of an item already published goes to the item's draft (see
publications.admin.drafts).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.models import Tag

from core.admin.conflicts import VersionedAdminMixin
from core.admin.layout import InlinePlacesMixin
from core.admin.widgets import (
    ADMIN_FORMFIELD_OVERRIDES,
    AutocompleteSelectMultipleWithoutClearAll,
)
from publications.admin.draft_pages import state_badge
from publications.admin.drafts import DraftAdminMixin
from publications.admin.forms import PdfAdminWidget, PublicationAdminForm
from publications.admin.history import PublicationHistoryAdmin
from publications.admin.list_filters import (
    StateListFilter,
    TopicListFilter,
    TypeListFilter,
    YearListFilter,
)
from publications.admin.review import ReviewAdminMixin
from publications.admin.topic_actions import TopicActionsMixin
from publications.models import Authorship, Publication, PublicationType
from publications.publishing_rules import (
    describe_incomplete,
    missing_for_publishing_each,
)
from publications.roles import may_publish
from publications.states import State

PUBLISHING_FIELDS = ("status", "publish_at", "unpublish_at")
# The long texts an editor writes in the form; admin.css gives their editors
# at least this many lines.
LONG_TEXT_FIELDS = ("about", "body")
LONG_TEXT_ROWS = 16


class PublicationAdminBase(
    InlinePlacesMixin,
    ReviewAdminMixin,
    TopicActionsMixin,
    DraftAdminMixin,
    VersionedAdminMixin,
    PublicationHistoryAdmin,
):
    publication_kind = None  # Publication.Kind value of the admin's model

    form = PublicationAdminForm
    list_display = (
        "thumbnail_image",
        "title",
        "type_label",
        "author_names",
        "state_and_link",
        "publish_at",
    )
    list_display_links = ("title",)
    list_filter = (StateListFilter, TypeListFilter, TopicListFilter, YearListFilter)
    list_select_related = ("publication_type",)
    list_per_page = 50
    search_fields = ("title", "teaser", "authors__name")
    search_help_text = _("Search titles, teasers and author names.")
    date_hierarchy = "publish_at"
    ordering = ("-publish_at", "-id")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("current_state", "created_at", "updated_at")
    formfield_overrides = ADMIN_FORMFIELD_OVERRIDES
    actions = ("publish_now", "unpublish", "add_topic", "remove_topic")

    class Media:
        css = {"all": ("folio-admin/admin.css",)}
        js = ("folio-admin/accessible-names.js",)

    # Permissions

    def has_publish_permission(self, request, obj=None):
        return may_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request, obj):
            fields += PUBLISHING_FIELDS
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        can_change = obj is None or self.has_change_permission(request, obj)
        can_publish = self.has_publish_permission(request, obj)
        result = []
        for name, options in fieldsets:
            options = dict(options)
            if not can_change:
                # A form-only field means nothing on a read-only page.
                options["fields"] = tuple(
                    field for field in options["fields"] if field != "new_topics"
                )
            if not can_publish and "status" in options["fields"]:
                options["description"] = _(
                    "Only editors can publish, schedule or unpublish; what you "
                    "add is saved as a draft."
                )
            result.append((name, options))
        return result

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request, obj):
            self._keep_publishing_fields(obj, change)
        super().save_model(request, obj, form, change)

    def _keep_publishing_fields(self, obj, change):
        """Undo any change to the publishing fields by a user who may not publish."""
        if not change:
            obj.status = Publication.Status.DRAFT
            obj.unpublish_at = None
            return
        stored = Publication.objects.only(*PUBLISHING_FIELDS).get(pk=obj.pk)
        for name in PUBLISHING_FIELDS:
            setattr(obj, name, getattr(stored, name))

    # Form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            return forms.ModelMultipleChoiceField(
                queryset=Tag.objects.all(),
                required=False,
                label=_("Topics"),
                help_text=_("Topics and regions: type to search."),
                widget=AutocompleteSelectMultipleWithoutClearAll(
                    db_field, self.admin_site
                ),
            )
        if db_field.name == "slug":
            # Admin help texts are HTML: show "<slug>" rather than drop it.
            kwargs["help_text"] = escape(db_field.help_text)
        if db_field.name == "pdf":
            kwargs["widget"] = PdfAdminWidget
        if db_field.name in LONG_TEXT_FIELDS:
            kwargs["widget"] = AdminProseEditorWidget(
                attrs={"rows": LONG_TEXT_ROWS, "class": "folio-long-text"}
            )
        if db_field.name == "teaser":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 4, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "publication_type":
            kwargs["queryset"] = PublicationType.objects.filter(
                kind=self.publication_kind
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        # obj is the form's instance: its clean(), which runs next, checks a
        # publish against the rows submitted here (publications.publishing_rules).
        obj._admin_formsets = formsets
        # A save kept as unpublished changes publishes nothing: gaps may stay.
        obj._saves_to_draft = self._goes_to_draft(request, obj)
        return formsets, inline_instances

    # Change list

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "authorships",
                    queryset=Authorship.objects.select_related("author"),
                )
            )
        )

    @admin.display(description=_("image"))
    def thumbnail_image(self, publication):
        if not publication.thumbnail:
            return ""
        return format_html(
            '<img class="folio-thumbnail" src="{}" alt="" width="72" height="48" '
            'loading="lazy">',
            publication.thumbnail.url,
        )

    @admin.display(description=_("type"), ordering="publication_type__name")
    def type_label(self, publication):
        return publication.publication_type.name

    @admin.display(description=_("authors"))
    def author_names(self, publication):
        return ", ".join(str(a.author) for a in publication.authorships.all())

    @admin.display(description=_("status"))
    def state_badge(self, publication):
        return state_badge(publication)

    @admin.display(description=_("now"))
    def current_state(self, publication):
        return self.state_badge(publication)

    @admin.display(description=_("status"))
    def state_and_link(self, publication):
        return format_html(
            '{}<br><span class="folio-public-link">{}</span>',
            self.state_badge(publication),
            self.public_link(publication),
        )

    def public_link(self, publication):
        content_type = ContentType.objects.get_for_model(self.model)
        url = reverse(
            f"{self.admin_site.name}:view_on_site",
            args=(content_type.pk, publication.pk),
        )
        if publication.is_live():
            return format_html('<a href="{}">{}</a>', url, _("View on site"))
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Preview")
        )

    # Bulk actions

    @admin.action(description=_("Publish now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        now = timezone.now()
        published = 0
        incomplete = []
        with transaction.atomic():
            selected = self._lock_selected(queryset)
            gaps = missing_for_publishing_each(
                p for p in selected if p.state(now=now) != State.LIVE
            )
            for publication in selected:
                state = publication.state(now=now)
                if state == State.LIVE:
                    continue
                if gaps[publication.pk]:
                    incomplete.append((publication, gaps[publication.pk]))
                    continue
                if state in {State.DRAFT, State.SCHEDULED}:
                    publication.publish_at = now
                if publication.unpublish_at and publication.unpublish_at <= now:
                    publication.unpublish_at = None
                publication.status = Publication.Status.PUBLISHED
                self._save_publishing(request, publication, _("Published now."))
                published += 1
        self._report(
            request,
            published,
            len(selected) - published - len(incomplete),
            ngettext(
                "%(count)d item is now live.",
                "%(count)d items are now live.",
                published,
            ),
            _("Items already live were left as they were."),
        )
        if incomplete:
            self.message_user(request, describe_incomplete(incomplete), messages.ERROR)

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        unpublished = 0
        with transaction.atomic():
            selected = self._lock_selected(queryset)
            for publication in selected:
                if publication.status == Publication.Status.DRAFT:
                    continue
                publication.status = Publication.Status.DRAFT
                self._save_publishing(request, publication, _("Unpublished."))
                unpublished += 1
        self._report(
            request,
            unpublished,
            len(selected) - unpublished,
            ngettext(
                "%(count)d item is now a draft and off the site.",
                "%(count)d items are now drafts and off the site.",
                unpublished,
            ),
            _("Drafts were left as they were."),
        )

    def _lock_selected(self, queryset):
        """Return the selected items, fresh and locked against concurrent saves."""
        return list(
            self.model.objects.select_for_update()
            .filter(pk__in=queryset.values("pk"))
            .order_by("pk")
        )

    def _save_publishing(self, request, publication, message):
        publication.version += 1
        publication.save(update_fields=[*PUBLISHING_FIELDS, "version", "updated_at"])
        self.log_change(request, publication, str(message))

    def _report(self, request, done, skipped, done_message, skipped_message):
        message = done_message % {"count": done}
        if skipped:
            message = f"{message} {skipped_message}"
        level = messages.SUCCESS if done else messages.WARNING
        self.message_user(request, message, level)
