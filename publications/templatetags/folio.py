"""Template filters for publication pages and lists."""

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from core.dates import reader_date
from core.links import fixed_url, slug_url
from core.richtext import nest_headings
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
def highlighted(publication, field="teaser"):
    """Return the teaser (or *field*) with search matches in <mark>, all escaped.

    A search result carries the text with markers around each match
    (publications.search); the text is escaped first, so the only markup
    in the result is the <mark> elements added here.
    """
    text = getattr(publication, f"{field}_highlighted", None)
    original = getattr(publication, field)
    if not text or HIGHLIGHT_START in original or HIGHLIGHT_STOP in original:
        # A text that holds a marker character itself is shown unmarked.
        return original
    marked = escape(text).replace(HIGHLIGHT_START, "<mark>")
    return mark_safe(marked.replace(HIGHLIGHT_STOP, "</mark>"))


@register.filter
def reader_time(moment):
    """Return a <time> element with *moment* written the one way readers see."""
    if not moment:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        timezone.localtime(moment).isoformat(),
        reader_date(moment),
    )


@register.filter
def headings_under(rich_text, level):
    """Return stored rich text, safe, with its headings placed under *level*.

    The text was sanitised when saved (core.richtext), as |safe assumes.
    """
    return mark_safe(nest_headings(rich_text or "", under=int(level)))


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
