"""Add a topic to, or remove one from, the publications selected in a list.

Both actions ask which topic on a page of their own, then change the
selected items and their drafts in one transaction (publications.topics).
Those who may not publish change unpublished items only: the admin runs
their actions on those (publications.admin.published_actions).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from publications.topics import TopicError, add_topic, clean_topic_name, remove_topic


class TopicChoiceForm(forms.Form):
    topic = forms.ModelChoiceField(
        queryset=Tag.objects.none(), required=False, label=_("Topic")
    )
    new_topic = forms.CharField(
        label=_("Or a new topic"),
        required=False,
        max_length=100,
        help_text=_("A topic that is not in the list yet."),
    )

    def __init__(self, *args, topics, allow_new, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        if not allow_new:
            del self.fields["new_topic"]
            self.fields["topic"].required = True

    def clean(self):
        cleaned_data = super().clean()
        topic, name = cleaned_data.get("topic"), cleaned_data.get("new_topic")
        if "new_topic" not in self.fields or self.errors:
            return cleaned_data
        if bool(topic) == bool(name):
            raise forms.ValidationError(_("Choose a topic or name a new one."))
        if name:
            try:
                cleaned_data["new_topic"] = clean_topic_name(name)
            except TopicError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned_data

    def chosen_topic(self):
        """Return the chosen topic, created now if it is a new one."""
        if new := self.cleaned_data.get("new_topic"):
            name, slug = new
            return Tag.objects.create(name=name, slug=slug)
        return self.cleaned_data["topic"]


class TopicActionsMixin:
    """The "Add topic…" and "Remove topic…" actions of a publication list."""

    topic_action_template = "admin/publications/topic_bulk.html"

    @admin.action(description=_("Add topic…"), permissions=["change"])
    def add_topic(self, request, queryset):
        return self._topic_action(
            request,
            queryset,
            topics=Tag.objects.order_by("name"),
            allow_new=True,
            change=add_topic,
            title=_("Add a topic"),
            done=lambda count, topic: (
                ngettext(
                    "“%(name)s” added to %(count)d publication.",
                    "“%(name)s” added to %(count)d publications.",
                    count,
                )
                % {"name": topic.name, "count": count}
            ),
        )

    @admin.action(description=_("Remove topic…"), permissions=["change"])
    def remove_topic(self, request, queryset):
        return self._topic_action(
            request,
            queryset,
            topics=Tag.objects.filter(
                publications_taggedpublication_items__content_object__in=queryset.values(
                    "pk"
                )
            )
            .distinct()
            .order_by("name"),
            allow_new=False,
            change=remove_topic,
            title=_("Remove a topic"),
            done=lambda count, topic: (
                ngettext(
                    "“%(name)s” removed from %(count)d publication.",
                    "“%(name)s” removed from %(count)d publications.",
                    count,
                )
                % {"name": topic.name, "count": count}
            ),
        )

    def _topic_action(
        self, request, queryset, *, topics, allow_new, change, title, done
    ):
        selected = list(queryset.order_by("title").values("pk", "title"))
        if not selected:
            self.message_user(request, _("No item to change."), messages.WARNING)
            return None
        form = TopicChoiceForm(
            request.POST if "apply" in request.POST else None,
            topics=topics,
            allow_new=allow_new,
        )
        if form.is_valid():
            try:
                with transaction.atomic():
                    topic = form.chosen_topic()
                    count = change(queryset, topic, user=request.user)
            except TopicError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(request, done(count, topic), messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            self.topic_action_template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "selected": selected,
                "form": form,
                "action": request.POST["action"],
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "select_across": request.POST.get("select_across", "0"),
                "media": self.media + form.media,
            },
        )
