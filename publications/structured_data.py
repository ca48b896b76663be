"""schema.org JSON-LD and Google Scholar (Highwire Press) metadata."""

from django.utils import timezone

from core.links import absolute_url
from publications.citations import publisher_name


def _organization():
    return {
        "@type": "Organization",
        "name": publisher_name(),
        "url": absolute_url("/"),
    }


def _person(author):
    person = {
        "@type": "Person",
        "name": author.name,
        "url": absolute_url(author.get_absolute_url()),
    }
    if author.given_names:
        person["givenName"] = author.given_names
        person["familyName"] = author.family_name
    if author.position:
        person["jobTitle"] = author.position
    return person


def report_json_ld(report, *, authors, tags):
    """Return the schema.org Report description of *report* as a dict."""
    data = {
        "@context": "https://schema.org",
        "@type": "Report",
        "name": report.title,
        "headline": report.title,
        "description": report.teaser,
        "url": absolute_url(report.get_absolute_url()),
        "datePublished": report.publish_at.isoformat(),
        "dateModified": report.updated_at.isoformat(),
        "author": [_person(author) for author in authors],
        "publisher": _organization(),
        "keywords": [tag.name for tag in tags],
    }
    if report.number is not None:
        data["reportNumber"] = str(report.number)
    if report.series_id:
        data["isPartOf"] = {
            "@type": "CreativeWorkSeries",
            "name": report.series.title,
            "url": absolute_url(report.series.get_absolute_url()),
        }
    if report.image:
        data["image"] = absolute_url(report.image.url)
    if report.pdf_url:
        media = {
            "@type": "MediaObject",
            "contentUrl": absolute_url(report.pdf_url),
            "encodingFormat": "application/pdf",
        }
        data["encoding"] = media
        data["associatedMedia"] = media
    return data


def author_json_ld(author):
    """Return the schema.org Person description of *author* as a dict."""
    data = _person(author)
    data["@context"] = "https://schema.org"
    if author.affiliation:
        data["affiliation"] = {"@type": "Organization", "name": author.affiliation}
    if author.website:
        data["sameAs"] = [author.website]
    if author.photo:
        data["image"] = absolute_url(author.photo.url)
    return data


def scholar_meta_tags(report, *, authors):
    """Return Highwire Press (name, content) pairs that Google Scholar reads."""
    published = timezone.localtime(report.publish_at).date()
    tags = [("citation_title", report.title)]
    # "Family, Given", which Google Scholar's inclusion guidelines accept as is.
    tags += [("citation_author", author.citation_name) for author in authors]
    tags += [
        ("citation_publication_date", f"{published:%Y/%m/%d}"),
        ("citation_publisher", publisher_name()),
    ]
    if report.number is not None:
        tags.append(("citation_technical_report_number", str(report.number)))
    tags.append(("citation_technical_report_institution", publisher_name()))
    if report.pdf_url:
        tags.append(("citation_pdf_url", absolute_url(report.pdf_url)))
    tags.append(("citation_abstract_html_url", absolute_url(report.get_absolute_url())))
    return tags
