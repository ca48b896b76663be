"""OAI-PMH 2.0 at /oai/: the six verbs, with oai_dc records.

Errors are answered as the protocol says, with HTTP 200 and an error
element; the answer depends on the arguments alone, so the page cache may
keep it like any page.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from opendata import oai_xml
from opendata.oai_arguments import (
    METADATA_PREFIX,
    OaiError,
    check_metadata_prefix,
    list_arguments,
    request_arguments,
    resumption_token,
)
from opendata.oai_records import (
    earliest_datestamp,
    oai_sets,
    publication_pk,
    record_for,
    records_page,
)
from opendata.throttling import throttled

# Where the protocol says to echo no arguments, only the base URL.
_BARE_REQUEST_ERRORS = {"badVerb", "badArgument"}


# A harvester POSTs its arguments as a form; there is no session to protect
# and nothing is written, so no CSRF token is asked for.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@throttled(status=503)
def oai_pmh(request):
    """Answer one OAI-PMH request, given as a query string or a form."""
    query = request.POST if request.method == "POST" else request.GET
    now = timezone.now()
    try:
        verb, arguments = request_arguments(query)
        _check_xml_safe(arguments)
    except OaiError as failure:
        return _error_response({}, failure)
    root = oai_xml.envelope({"verb": verb, **arguments})
    try:
        answer = _VERBS[verb](verb, arguments, now)
    except OaiError as failure:
        bare = failure.code in _BARE_REQUEST_ERRORS
        return _error_response({} if bare else {"verb": verb, **arguments}, failure)
    root.append(answer)
    return _response(root)


def _identify(verb, arguments, now):
    element = oai_xml.element(verb)
    oai_xml.child(element, "repositoryName", settings.FOLIO_SITE_NAME)
    oai_xml.child(element, "baseURL", oai_xml.base_url())
    oai_xml.child(element, "protocolVersion", "2.0")
    oai_xml.child(element, "adminEmail", settings.FOLIO_OAI_ADMIN_EMAIL)
    oai_xml.child(
        element,
        "earliestDatestamp",
        oai_xml.utc_datestamp(earliest_datestamp(now=now)),
    )
    # Withdrawn items stay listed as deleted records for good.
    oai_xml.child(element, "deletedRecord", "persistent")
    oai_xml.child(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    return element


def _list_metadata_formats(verb, arguments, now):
    if "identifier" in arguments:
        _find_record(arguments["identifier"], now)
    element = oai_xml.element(verb)
    metadata_format = oai_xml.child(element, "metadataFormat")
    oai_xml.child(metadata_format, "metadataPrefix", METADATA_PREFIX)
    oai_xml.child(metadata_format, "schema", oai_xml.OAI_DC_SCHEMA)
    oai_xml.child(metadata_format, "metadataNamespace", oai_xml.OAI_DC_NS)
    return element


def _list_sets(verb, arguments, now):
    if "resumptionToken" in arguments:
        # Every set fits in one answer, so no token is ever handed out.
        raise OaiError("badResumptionToken", "ListSets hands out no tokens.")
    element = oai_xml.element(verb)
    for spec, name in oai_sets(now=now):
        oai_set = oai_xml.child(element, "set")
        oai_xml.child(oai_set, "setSpec", spec)
        oai_xml.child(oai_set, "setName", name)
    return element


def _get_record(verb, arguments, now):
    check_metadata_prefix(arguments["metadataPrefix"])
    element = oai_xml.element(verb)
    oai_xml.record(element, _find_record(arguments["identifier"], now))
    return element


def _list(verb, arguments, now):
    """Answer ListIdentifiers or ListRecords, a page at a time."""
    resumed = "resumptionToken" in arguments
    bounds = list_arguments(verb, arguments)
    size = max(1, settings.FOLIO_OAI_PAGE_SIZE)
    page = records_page(
        after=bounds.after,
        since=bounds.since,
        until=bounds.until,
        set_spec=bounds.set_spec,
        limit=size + 1,
        now=now,
    )
    if not page:
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    element = oai_xml.element(verb)
    add = oai_xml.header if verb == "ListIdentifiers" else oai_xml.record
    for record in page[:size]:
        add(element, record)
    if len(page) > size:
        token = resumption_token(
            verb, bounds, after=page[size - 1].pk, cursor=bounds.cursor + size
        )
        oai_xml.child(element, "resumptionToken", token).set(
            "cursor", str(bounds.cursor)
        )
    elif resumed:
        # The last part of a list split in parts ends with an empty token.
        oai_xml.child(element, "resumptionToken").set("cursor", str(bounds.cursor))
    return element


def _find_record(identifier, now):
    pk = publication_pk(identifier)
    record = record_for(pk, now=now) if pk is not None else None
    if record is None:
        raise OaiError("idDoesNotExist", "No item has this identifier.")
    return record


def _check_xml_safe(arguments):
    for name, value in arguments.items():
        if oai_xml.xml_safe(value) != value:
            raise OaiError("badArgument", f"{name} holds characters XML cannot carry.")


def _error_response(request_attributes, failure):
    root = oai_xml.envelope(request_attributes)
    oai_xml.error(root, failure.code, failure.message)
    return _response(root)


def _response(root):
    return HttpResponse(oai_xml.to_bytes(root), content_type="text/xml; charset=utf-8")


_VERBS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": _list,
    "ListRecords": _list,
}
