"""Template filters for publication pages and lists."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.links import fixed_url, slug_url
from publications.search import HIGHLIGHT_START, HIGHLIGHT_STOP

register = template.Library()


@register.filter
def type_label(publication):
    """Return e.g. "Special Report No. 277", or the type name alone."""
    return publication.type_label


@register.filter
def external_url(publication):
    """Return the publication's public_url if it leads off the site, else ""."""
    url = publication.public_url
    return "" if url == publication.get_absolute_url() else url


@register.filter
def topics(publication):
    """Return the tags of a card's publication, by name (prefetched)."""
    return [tagged.tag for tagged in publication.ordered_topics]


@register.simple_tag(name="fixed_url")
def fixed_url_tag(viewname):
    """Return the address of a page without arguments, as {% url %} would."""
    return fixed_url(viewname)


@register.filter
def topic_url(slug):
    """Return the address of the topic page of tag *slug*."""
    return slug_url("publications:topic-detail", slug)


@register.filter
def file_size(field_file):
    """Return the size of *field_file* in bytes, or None if it cannot be read."""
    try:
        return field_file.size if field_file else None
    except (OSError, ValueError):
        return None


@register.filter
def highlighted(publication):
    """Return the teaser with search matches in <mark>, everything else escaped."""
    text = getattr(publication, "teaser_highlighted", None)
    if not text:
        return publication.teaser
    marked = escape(text).replace(HIGHLIGHT_START, "<mark>")
    return mark_safe(marked.replace(HIGHLIGHT_STOP, "</mark>"))


@register.simple_tag
def page_numbers(page_obj):
    """Return the page numbers to link from *page_obj*: 1 2 3 … 12.

    The first and last pages, and two either side of the current one;
    Paginator.ELLIPSIS stands for each gap.
    """
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=2, on_ends=1
        )
    )
