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


def split_name(full_name):
    """Return (family, given) for a display name such as "Amara Okafor".

    Authors keep one name field; the last word is taken as the family name,
    which suits most names on the list and is how reference managers guess.
    """
    parts = full_name.strip().split()
    if len(parts) < 2:
        return full_name.strip(), ""
    return parts[-1], " ".join(parts[:-1])


def _inverted(name):
    family, given = split_name(name)
    return f"{family}, {given}" if given else family


def _local_date(report):
    return timezone.localtime(report.publish_at).date()


def publisher_name():
    return settings.FOLIO_PUBLISHER or settings.FOLIO_SITE_NAME


def chicago_citation(report, *, authors, url):
    """Return a Chicago author-date reference list entry as plain text."""
    names = [author.name for author in authors]
    if not names:
        lead = publisher_name()
    elif len(names) == 1:
        lead = _inverted(names[0])
    elif len(names) <= 10:
        lead = ", ".join([_inverted(names[0]), *names[1:-1]])
        lead = (
            f"{lead}, and {names[-1]}" if len(names) > 2 else f"{lead} and {names[-1]}"
        )
    else:
        lead = f"{', '.join([_inverted(names[0]), *names[1:7]])}, et al"
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
    family = split_name(authors[0].name)[0] if authors else publisher_name()
    stem = re.sub(r"[^A-Za-z0-9]", "", family) or "folio"
    return f"{stem}{_local_date(report).year}{re.sub(r'[^A-Za-z0-9]', '', report.slug)}"


def bibtex_entry(report, *, authors, url):
    """Return a BibTeX @techreport entry for *report*."""
    published = _local_date(report)
    fields = [
        ("title", "{" + bibtex_escape(report.title) + "}"),
        ("author", " and ".join(bibtex_escape(_inverted(a.name)) for a in authors)),
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
    lines += [_ris_line("AU", _inverted(author.name)) for author in authors]
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
