"""The Topic admin: taggit's tags with their use, renamed, merged and pruned.

Every change goes through publications.topics, so the redirects from old
addresses, the search text, the cached pages and the history follow in the
same transaction. Only those who may publish tidy topics (roles).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from publications.roles import may_tidy_topics
from publications.topics import (
    TopicError,
    clean_topic_name,
    delete_unused_topics,
    merge_topics,
    rename_topic,
    unused_topics,
)


class TopicForm(forms.ModelForm):
    """A topic's name and address, checked as a rename is (clean_topic_name)."""

    class Meta:
        model = Tag
        fields = ("name", "slug")
        help_texts = {
            "slug": _(
                "The topic's address: /topics/<slug>/. Change it and the old "
                "address redirects here. Leave it blank to make it from the name."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:  # not on a read-only page
            self.fields["slug"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if "name" in cleaned_data:
            topic = self.instance if self.instance.pk else None
            try:
                cleaned_data["name"], cleaned_data["slug"] = clean_topic_name(
                    cleaned_data["name"], cleaned_data.get("slug"), topic=topic
                )
            except TopicError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned_data

    def validate_unique(self):
        # clean() has checked name (in any case) and slug, saying what to do.
        pass


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label=_("Keep this topic"),
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Tag.objects.filter(
            pk__in=[topic.pk for topic in topics]
        ).order_by("name")
        self.fields["into"].initial = topics[0].pk


class UsageListFilter(admin.SimpleListFilter):
    title = _("used by")
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return (("no", _("nothing")), ("yes", _("publications")))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(pk__in=unused_topics().values("pk"))
        if self.value() == "yes":
            return queryset.exclude(pk__in=unused_topics().values("pk"))
        return queryset


if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


@admin.register(Tag)
class TopicAdmin(admin.ModelAdmin):
    """Topics and regions with how often each is used, and their tidying."""

    form = TopicForm
    list_display = ("name", "slug", "usage", "old_addresses")
    list_filter = (UsageListFilter,)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)
    fields = ("name", "slug", "old_addresses")
    readonly_fields = ("old_addresses",)
    actions = ("merge_selected", "delete_unused")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(usage=Count("publications_taggedpublication_items"))
            .prefetch_related("redirects")
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_tidy_topics(
            request.user
        )

    def has_tidy_permission(self, request):
        return may_tidy_topics(request.user)

    @admin.display(description=_("publications"), ordering="usage")
    def usage(self, topic):
        return topic.usage

    @admin.display(description=_("old addresses"))
    def old_addresses(self, topic):
        """Return the old slugs that redirect here (TopicRedirect)."""
        if topic.pk is None:
            return ""
        return ", ".join(redirect.old_slug for redirect in topic.redirects.all())

    def save_model(self, request, obj, form, change):
        if change:
            rename_topic(obj, name=obj.name, slug=obj.slug, user=request.user)
        else:
            super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        """Leave it to rename_topic, which logs what the name and slug were."""

    @admin.action(description=_("Merge selected topics into…"), permissions=["tidy"])
    def merge_selected(self, request, queryset):
        topics = list(queryset.order_by("-usage", "name"))
        if len(topics) < 2:
            self.message_user(
                request,
                _("Select two or more topics: those to merge and the one to keep."),
                messages.ERROR,
            )
            return None
        form = MergeForm(
            request.POST if "apply" in request.POST else None, topics=topics
        )
        if form.is_valid():
            into = form.cleaned_data["into"]
            try:
                changed = merge_topics(topics, into, user=request.user)
            except TopicError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "Merged into “%(name)s”: %(count)d publication changed.",
                    "Merged into “%(name)s”: %(count)d publications changed.",
                    changed,
                )
                % {"name": into.name, "count": changed},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/publications/topic_merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge topics"),
                "opts": self.model._meta,
                "topics": topics,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "select_across": request.POST.get("select_across", "0"),
                "media": self.media,
            },
        )

    @admin.action(description=_("Delete unused topics"), permissions=["delete", "tidy"])
    def delete_unused(self, request, queryset):
        deleted, kept = delete_unused_topics(list(queryset), user=request.user)
        if deleted:
            self.message_user(
                request,
                ngettext(
                    "Deleted %(count)d unused topic: %(names)s.",
                    "Deleted %(count)d unused topics: %(names)s.",
                    len(deleted),
                )
                % {"count": len(deleted), "names": ", ".join(deleted)},
                messages.SUCCESS,
            )
        if kept:
            self.message_user(
                request,
                _("Kept the topics in use: %(names)s. Merge them instead.")
                % {"names": ", ".join(kept)},
                messages.WARNING,
            )
