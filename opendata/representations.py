"""API items as plain data, in the shapes of opendata.schemas."""

from django.urls import reverse

from core.links import absolute_url, slug_url


def publication_data(publication):
    """Return a list item: a publication fetched with_api_relations."""
    report = publication.report if publication.kind == "report" else None
    related = publication.relatedpublication if report is None else None
    series = report.series if report is not None else None
    publication_type = publication.publication_type
    return {
        "slug": publication.slug,
        "title": publication.title,
        "type": {
            "slug": publication_type.slug,
            "name": publication_type.name,
            "kind": publication_type.kind,
        },
        "number": publication.number,
        "type_label": publication.type_label,
        "teaser": publication.teaser,
        "authors": [
            {
                "name": authorship.author.name,
                "slug": authorship.author.slug,
                "role": authorship.role,
                "affiliation": authorship.affiliation or authorship.author.affiliation,
                "url": absolute_url(authorship.author.get_absolute_url()),
            }
            for authorship in publication.ordered_authorships
        ],
        "topics": [
            {
                "slug": tagged.tag.slug,
                "name": tagged.tag.name,
                "url": absolute_url(
                    slug_url("publications:topic-detail", tagged.tag.slug)
                ),
            }
            for tagged in publication.ordered_topics
        ],
        "series": series
        and {
            "slug": series.slug,
            "title": series.title,
            "url": absolute_url(series.get_absolute_url()),
        },
        "published_at": publication.publish_at,
        "updated_at": publication.updated_at,
        "url": absolute_url(publication.get_absolute_url()),
        "pdf_url": absolute_url(
            reverse("publications:report-pdf", kwargs={"slug": publication.slug})
        )
        if report is not None and report.pdf
        else None,
        "external_url": (related.external_url or None) if related else None,
    }


def publication_detail_data(publication):
    """Return a publication's own item: fetched by selectors.api_publication."""
    report = publication.report if publication.kind == "report" else None
    return {
        **publication_data(publication),
        "about": report.about or None if report is not None else None,
        "summary_points": [point.text for point in report.summary_points.all()]
        if report is not None
        else [],
        "series_position": report.series_position if report is not None else None,
    }


def author_data(author):
    return {
        "slug": author.slug,
        "name": author.name,
        "position": author.position,
        "affiliation": author.affiliation,
        "url": absolute_url(author.get_absolute_url()),
        "publication_count": author.publication_count,
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
