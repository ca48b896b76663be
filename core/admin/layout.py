"""Change forms whose inlines sit among the fieldsets, in the order of the work."""


def form_sections(fieldsets, inline_formsets, inline_places):
    """Return the fieldsets and inlines of a change form in display order.

    *inline_places* maps an inline's formset prefix to the number of
    fieldsets shown before it; inlines not named come last. Each section is
    (kind, item, index), kind "fieldset" or "inline", index the fieldset's
    own position (its heading's id depends on it).
    """
    fieldsets = list(fieldsets)
    after = {index: [] for index in range(len(fieldsets) + 1)}
    for inline in inline_formsets:
        place = inline_places.get(inline.formset.prefix, len(fieldsets))
        after[min(place, len(fieldsets))].append(inline)
    sections = [("inline", inline, None) for inline in after[0]]
    for index, fieldset in enumerate(fieldsets):
        sections.append(("fieldset", fieldset, index))
        sections.extend(("inline", inline, None) for inline in after[index + 1])
    return sections


class InlinePlacesMixin:
    """Show a ModelAdmin's inlines where ``inline_places`` puts them.

    Django shows every inline after the last fieldset; an editor works down
    a report in another order (authors and summary before the text). The
    publications change_form.html template renders ``form_sections``.
    """

    inline_places = {}

    def render_change_form(self, request, context, *args, **kwargs):
        if "adminform" in context:
            context["form_sections"] = form_sections(
                context["adminform"],
                context.get("inline_admin_formsets", ()),
                self.inline_places,
            )
        return super().render_change_form(request, context, *args, **kwargs)
