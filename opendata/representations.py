"""API items as plain data, in the shapes of opendata.schemas."""

from types import SimpleNamespace

from core.links import absolute_url, slug_url, slug_url_function
from publications.models import Publication


class Links:
    """Absolute links for one answer, a function per view.

    A page of 50 items has some 400 links; slug_url_function reads the
    URL configuration once per view instead of once per link.
    """

    def __init__(self):
        self._functions = {}

    def __call__(self, viewname, slug):
        if viewname not in self._functions:
            self._functions[viewname] = slug_url_function(viewname)
        return absolute_url(self._functions[viewname](slug))


def publication_data(row, links=None):
    """Return a list item from a selectors.api_publications row."""
    links = links or Links()
    return {
        "slug": row["slug"],
        "title": row["title"],
        "type": {
            "slug": row["type_slug"],
            "name": row["type_name"],
            "kind": row["type_kind"],
        },
        "number": row["number"],
        "type_label": _type_label(row),
        "teaser": row["teaser"],
        "authors": [
            {
                "name": credit["name"],
                "slug": credit["slug"],
                "role": credit["role"],
                "affiliation": credit["affiliation"] or credit["author_affiliation"],
                "url": links("publications:author-detail", credit["slug"]),
            }
            for credit in row["credits"]
        ],
        "topics": [
            {
                "slug": topic["slug"],
                "name": topic["name"],
                "url": links("publications:topic-detail", topic["slug"]),
            }
            for topic in row["topics"]
        ],
        "series": {
            "slug": row["series_slug"],
            "title": row["series_title"],
            "url": links("publications:series-detail", row["series_slug"]),
        }
        if row["series_slug"]
        else None,
        "published_at": row["publish_at"],
        "updated_at": row["updated_at"],
        "url": links("publications:publication-detail", row["slug"]),
        "pdf_url": links("publications:report-pdf", row["slug"])
        if row["pdf"]
        else None,
        "external_url": row["external_url"] or None,
    }


def publication_detail_data(row):
    """Return a publication's own item from a selectors.api_publication row."""
    return {
        **publication_data(row),
        "about": row["about"] or None,
        "summary_points": row["summary_points"],
        "series_position": row["series_position"],
    }


def _type_label(row):
    """Return the model's type_label ("Special Report No. 277") of a row."""
    # The property reads two attributes; a model instance costs far more.
    publication = SimpleNamespace(
        number=row["number"], publication_type=SimpleNamespace(name=row["type_name"])
    )
    return Publication.type_label.fget(publication)


def author_data(author):
    """Return an author item from a selectors.api_authors row."""
    return {
        "slug": author["slug"],
        "name": author["name"],
        "position": author["position"],
        "affiliation": author["affiliation"],
        "url": absolute_url(slug_url("publications:author-detail", author["slug"])),
        "publication_count": author["publication_count"],
    }


def series_data(series):
    return {
        "slug": series.slug,
        "title": series.title,
        "commissioned_by": series.commissioned_by,
        "url": absolute_url(series.get_absolute_url()),
        "report_count": series.report_count,
    }


def topic_data(topic):
    return {
        "slug": topic["slug"],
        "name": topic["name"],
        "url": absolute_url(slug_url("publications:topic-detail", topic["slug"])),
        "publication_count": topic["count"],
    }
