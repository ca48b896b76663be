"""Links from one admin page to the admin pages of other objects."""

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst


def admin_links(request, admin_site, objects):
    """Return "Report: <title>" lines linking to each object's admin page."""
    lines = []
    for obj in objects:
        opts = obj._meta
        label = capfirst(opts.verbose_name)
        model_admin = admin_site._registry.get(obj.__class__)
        if model_admin and model_admin.has_view_or_change_permission(request, obj):
            try:
                url = reverse(
                    f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=(obj.pk,),
                )
            except NoReverseMatch:
                pass
            else:
                lines.append(format_html('{}: <a href="{}">{}</a>', label, url, obj))
                continue
        lines.append(f"{label}: {obj}")
    return lines
