"""Template helpers for machine-readable metadata in a page's head."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.links import absolute_url
from publications import citations, structured_data

register = template.Library()

# Escaping <, > and & keeps content such as "</script>" from ending the block.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """Render *data* as a <script type="application/ld+json"> block."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),
    )


@register.simple_tag
def absolute(path):
    """Return *path* as an absolute URL on the public site."""
    return absolute_url(path)


@register.simple_tag
def report_json_ld(report, authorships, topics):
    """Render the schema.org Report block of a report page."""
    authors = [authorship.author for authorship in authorships]
    return json_ld(structured_data.report_json_ld(report, authors=authors, tags=topics))


@register.simple_tag
def author_json_ld(author):
    """Render the schema.org Person block of an author page."""
    return json_ld(structured_data.author_json_ld(author))


@register.simple_tag
def scholar_meta_tags(report, authorships):
    """Render Google Scholar's citation_* meta tags, authors in order."""
    authors = [authorship.author for authorship in authorships]
    return format_html_join(
        "\n",
        '<meta name="{}" content="{}">',
        structured_data.scholar_meta_tags(report, authors=authors),
    )


@register.simple_tag
def chicago_citation(report, authorships):
    """Return the report's reference in Chicago author-date style."""
    authors = [authorship.author for authorship in authorships]
    url = absolute_url(report.get_absolute_url())
    return citations.chicago_citation(report, authors=authors, url=url)
