"""OAI-PMH 2.0 responses as XML: the envelope, headers and Dublin Core records.

See http://www.openarchives.org/OAI/openarchivesprotocol.html and, for
oai_dc, http://www.openarchives.org/OAI/2.0/oai_dc.xsd.
"""

import re
from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from core.links import absolute_url
from publications.models import Authorship

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
# Characters outside XML 1.0's Char production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The type of every record, from the DCMI Type Vocabulary.
DCMI_TYPE = "Text"


def utc_datestamp(moment):
    """Return *moment* as an OAI-PMH datestamp: YYYY-MM-DDThh:mm:ssZ."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def base_url():
    """Return the repository's base URL, under FOLIO_SITE_URL."""
    return absolute_url(reverse("opendata:oai"))


def envelope(request_attributes):
    """Return (root, request element) of a response to *request_attributes*."""
    root = etree.Element(
        etree.QName(OAI_NS, "OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS}
    )
    root.set(etree.QName(XSI_NS, "schemaLocation"), f"{OAI_NS} {OAI_SCHEMA}")
    child(root, "responseDate", utc_datestamp(timezone.now()))
    request_element = child(root, "request", base_url())
    for name, value in request_attributes.items():
        request_element.set(name, value)
    return root


def element(name):
    """Return a detached OAI-PMH element, such as a verb's container."""
    return etree.Element(etree.QName(OAI_NS, name))


def error(root, code, message):
    child(root, "error", message).set("code", code)


def to_bytes(root):
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def header(parent, record):
    """Append the header of *record* (an oai_records.OaiRecord) to *parent*."""
    element = child(parent, "header")
    if record.is_deleted:
        element.set("status", "deleted")
    child(element, "identifier", record.identifier)
    child(element, "datestamp", utc_datestamp(record.datestamp))
    for spec in record.set_specs:
        child(element, "setSpec", spec)
    return element


def record(parent, record):
    """Append *record* with its oai_dc metadata, or its header if deleted."""
    element = child(parent, "record")
    header(element, record)
    if not record.is_deleted:
        metadata = child(element, "metadata")
        metadata.append(dublin_core(record.publication))
    return element


def dublin_core(publication):
    """Return the oai_dc:dc element describing a live *publication*."""
    dc = etree.Element(
        etree.QName(OAI_DC_NS, "dc"), nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS}
    )
    dc.set(etree.QName(XSI_NS, "schemaLocation"), f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    _dc(dc, "title", publication.title)
    authorships = publication.ordered_authorships
    for authorship in authorships:
        # Editors' order; editors and contributors are not creators. Names
        # family name first, as library catalogues file them ("Wu, Xinbo").
        name = "creator" if authorship.role == Authorship.Role.AUTHOR else "contributor"
        _dc(dc, name, authorship.author.citation_name)
    for tagged in publication.ordered_topics:
        _dc(dc, "subject", tagged.tag.name)
    _dc(dc, "description", publication.teaser)
    _dc(dc, "publisher", settings.FOLIO_PUBLISHER or settings.FOLIO_SITE_NAME)
    _dc(dc, "date", timezone.localdate(publication.publish_at).isoformat())
    _dc(dc, "type", DCMI_TYPE)
    _dc(dc, "type", publication.type_label)
    _dc(dc, "format", "text/html")
    report = publication.report if publication.kind == "report" else None
    pdf_url = absolute_url(publication.pdf_url)
    if pdf_url:
        _dc(dc, "format", "application/pdf")
    _dc(dc, "identifier", absolute_url(publication.get_absolute_url()))
    _dc(dc, "language", settings.LANGUAGE_CODE.split("-")[0])
    if report is not None and report.series_id is not None:
        _dc(dc, "relation", absolute_url(report.series.get_absolute_url()))
    if pdf_url:
        # The same work as a PDF: a dcterms:hasFormat link in simple DC.
        _dc(dc, "relation", pdf_url)
    return dc


def child(parent, name, text=None):
    element = etree.SubElement(parent, etree.QName(OAI_NS, name))
    if text is not None:
        element.text = text
    return element


def _dc(parent, name, text):
    if text:
        etree.SubElement(parent, etree.QName(DC_NS, name)).text = xml_safe(text)


def xml_safe(text):
    """Return *text* without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", str(text))
