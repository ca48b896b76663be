"""Citation formats for reports: Chicago author-date, BibTeX and RIS."""

import re

from django.conf import settings
from django.utils import timezone

# LaTeX special characters and how BibTeX wants them written.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(c) for c in _BIBTEX_ESCAPES))
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def _bibtex_name(author):
    """Return the author as BibTeX reads a name: "von Last, First".

    A single name of several words is braced, or BibTeX would take its last
    word for the family name.
    """
    name = bibtex_escape(author.citation_name)
    if not author.given_names and " " in name:
        return "{" + name + "}"
    return name


def _local_date(report):
    return timezone.localtime(report.publish_at).date()


def publisher_name():
    return settings.FOLIO_PUBLISHER or settings.FOLIO_SITE_NAME


def chicago_citation(report, *, authors, url):
    """Return a Chicago author-date reference list entry as plain text."""
    # Chicago inverts only the first author's name (CMOS 17, 15.9).
    names = [author.name for author in authors]
    first = authors[0].family_first_name if authors else ""
    if not names:
        lead = publisher_name()
    elif len(names) == 1:
        lead = first
    elif len(names) <= 10:
        lead = ", ".join([first, *names[1:-1]])
        lead = (
            f"{lead}, and {names[-1]}" if len(names) > 2 else f"{lead} and {names[-1]}"
        )
    else:
        lead = f"{', '.join([first, *names[1:7]])}, et al"
    published = _local_date(report)
    place = settings.FOLIO_PUBLISHER_PLACE
    where = f"{place}: {publisher_name()}" if place else publisher_name()
    lead = lead.rstrip(".")
    return (
        f"{lead}. {published.year}. \u201c{report.title.rstrip('.')}.\u201d "
        f"{report.type_and_number}. {where}. {url}."
    )


def bibtex_escape(text):
    """Escape LaTeX's special characters in *text* for a BibTeX field."""
    return _BIBTEX_SPECIAL.sub(lambda match: _BIBTEX_ESCAPES[match.group()], text)


def bibtex_key(report, *, authors):
    family = authors[0].citation_name.split(",")[0] if authors else publisher_name()
    stem = re.sub(r"[^A-Za-z0-9]", "", family) or "folio"
    return f"{stem}{_local_date(report).year}{re.sub(r'[^A-Za-z0-9]', '', report.slug)}"


def bibtex_entry(report, *, authors, url):
    """Return a BibTeX @techreport entry for *report*."""
    published = _local_date(report)
    fields = [
        ("title", "{" + bibtex_escape(report.title) + "}"),
        ("author", " and ".join(_bibtex_name(author) for author in authors)),
        ("institution", bibtex_escape(publisher_name())),
        ("type", bibtex_escape(report.publication_type.name)),
        ("number", str(report.number) if report.number is not None else ""),
        ("year", str(published.year)),
        ("month", _MONTHS[published.month - 1]),
        ("address", bibtex_escape(settings.FOLIO_PUBLISHER_PLACE)),
        ("abstract", bibtex_escape(report.teaser)),
        ("url", url),
    ]
    lines = [f"@techreport{{{bibtex_key(report, authors=authors)},"]
    for name, value in fields:
        if not value:
            continue
        # Months are BibTeX macros and go unbraced.
        lines.append(
            f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}},"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _ris_line(tag, value):
    value = " ".join(str(value).split())  # RIS values are one line each
    return f"{tag}  - {value}"


def ris_entry(report, *, authors, url, pdf_url=""):
    """Return an RIS record (TY  - RPRT) for *report*."""
    published = _local_date(report)
    lines = [_ris_line("TY", "RPRT"), _ris_line("TI", report.title)]
    lines += [_ris_line("AU", author.citation_name) for author in authors]
    lines += [
        _ris_line("PY", published.year),
        _ris_line("DA", f"{published:%Y/%m/%d}"),
        _ris_line("PB", publisher_name()),
    ]
    if settings.FOLIO_PUBLISHER_PLACE:
        lines.append(_ris_line("CY", settings.FOLIO_PUBLISHER_PLACE))
    lines.append(_ris_line("M3", report.publication_type.name))
    if report.number is not None:
        lines.append(_ris_line("SN", report.number))
    if report.teaser:
        lines.append(_ris_line("AB", report.teaser))
    lines += [_ris_line("KW", tag.name) for tag in report.tags.all()]
    lines.append(_ris_line("UR", url))
    if pdf_url:
        lines.append(_ris_line("L1", pdf_url))
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"
