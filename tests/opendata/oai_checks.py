"""Validate OAI-PMH responses against the protocol's XML schemas, offline."""

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"
# Where the schemas import each other from, mapped to the copies here.
_LOCAL_COPIES = {
    "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd": "OAI-PMH.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd": "oai_dc.xsd",
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": "simpledc20021212.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
    "http://www.w3.org/2001/xml.xsd": "xml.xsd",
}
# OAI-PMH.xsd checks a record's metadata strictly, so the schema of oai_dc
# must be loaded alongside it.
_DRIVER = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/"
             schemaLocation="http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"/>
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/"
             schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc.xsd"/>
</xs:schema>
"""


class _LocalSchemas(etree.Resolver):
    def resolve(self, url, public_id, context):
        name = _LOCAL_COPIES.get(url)
        if name is None:
            raise AssertionError(f"The schemas import {url}, not kept locally.")
        return self.resolve_filename(str(SCHEMAS / name), context)


@cache
def oai_schema():
    """Return an XMLSchema for OAI-PMH responses with oai_dc records."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.fromstring(_DRIVER, parser, base_url=str(SCHEMAS)))


def assert_valid_oai(content):
    """Parse *content*; fail with the schema's messages if it is not valid."""
    document = etree.fromstring(content)
    schema = oai_schema()
    assert schema.validate(document), "\n".join(
        str(problem) for problem in schema.error_log
    )
    return document


OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"


def oai_error(root):
    """Return the error code of an OAI-PMH response, or None."""
    error = root.find(f"{OAI}error")
    return None if error is None else error.get("code")


def dc_values(root, name):
    """Return the texts of every dc:*name* element in *root*, in order."""
    return [element.text for element in root.iter(f"{DC}{name}")]


def header_list(root):
    """Return (identifier, status) of each record header in a response."""
    return [
        (header.findtext(f"{OAI}identifier"), header.get("status"))
        for header in root.iter(f"{OAI}header")
    ]


def token_of(root):
    """Return the resumptionToken element of a list response, or None."""
    return next(root.iter(f"{OAI}resumptionToken"), None)
