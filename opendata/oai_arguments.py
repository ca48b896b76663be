"""The arguments of an OAI-PMH request, checked, and its resumption tokens."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.core import signing

METADATA_PREFIX = "oai_dc"
# Each verb's arguments: required, optional, and the exclusive one.
VERBS = {
    "Identify": ((), (), None),
    "ListMetadataFormats": ((), ("identifier",), None),
    "ListSets": ((), (), "resumptionToken"),
    "GetRecord": (("identifier", "metadataPrefix"), (), None),
    "ListIdentifiers": (
        ("metadataPrefix",),
        ("from", "until", "set"),
        "resumptionToken",
    ),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_METADATA_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
_TOKEN_SALT = "opendata.oai.resumption-token"


class OaiError(Exception):
    """A request the protocol answers with an error element."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class ListArguments:
    """What a ListIdentifiers or ListRecords answer covers, and where it is."""

    since: datetime | None = None
    until: datetime | None = None
    set_spec: str | None = None
    after: int = 0
    cursor: int = 0


def request_arguments(query):
    """Return (verb, {argument: value}) of a QueryDict, or raise OaiError."""
    arguments = {}
    for name, values in query.lists():
        if len(values) > 1:
            raise OaiError("badArgument", f"The argument {name} is repeated.")
        arguments[name] = values[0]
    verb = arguments.pop("verb", None)
    if verb not in VERBS:
        raise OaiError("badVerb", "The verb is missing or not an OAI-PMH verb.")
    required, optional, exclusive = VERBS[verb]
    if exclusive and exclusive in arguments:
        if len(arguments) > 1:
            raise OaiError("badArgument", f"{exclusive} must be the only argument.")
        return verb, arguments
    unknown = set(arguments) - set(required) - set(optional)
    if unknown:
        raise OaiError("badArgument", f"{verb} takes no argument {sorted(unknown)[0]}.")
    missing = [name for name in required if name not in arguments]
    if missing:
        raise OaiError("badArgument", f"{verb} needs the argument {missing[0]}.")
    prefix = arguments.get("metadataPrefix")
    if prefix is not None and not _METADATA_PREFIX.fullmatch(prefix):
        raise OaiError("badArgument", "The metadataPrefix is malformed.")
    return verb, arguments


def list_arguments(verb, arguments):
    """Return the ListArguments of a list request, or raise OaiError."""
    if "resumptionToken" in arguments:
        return _read_token(verb, arguments["resumptionToken"])
    since = _datestamp(arguments.get("from"), "from")
    until = _datestamp(arguments.get("until"), "until", end_of_day=True)
    if since and until:
        if len(arguments["from"]) != len(arguments["until"]):
            raise OaiError("badArgument", "from and until differ in granularity.")
        if since > until:
            raise OaiError("badArgument", "from is later than until.")
    set_spec = arguments.get("set")
    if set_spec is not None and not _SET_SPEC.fullmatch(set_spec):
        raise OaiError("badArgument", "The set is not a valid setSpec.")
    check_metadata_prefix(arguments["metadataPrefix"])
    return ListArguments(
        since=since,
        until=until,
        set_spec=set_spec,
        after=0,
        cursor=0,
    )


def check_metadata_prefix(prefix):
    if prefix != METADATA_PREFIX:
        raise OaiError(
            "cannotDisseminateFormat", f"Records are available as {METADATA_PREFIX}."
        )


def resumption_token(verb, arguments, *, after, cursor):
    """Return the token that asks for the rest of a list after id *after*."""
    return signing.dumps(
        {
            "verb": verb,
            "from": _moment_text(arguments.since),
            "until": _moment_text(arguments.until),
            "set": arguments.set_spec,
            "after": after,
            "cursor": cursor,
        },
        salt=_TOKEN_SALT,
    )


def _read_token(verb, token):
    try:
        data = signing.loads(token, salt=_TOKEN_SALT)
        if data["verb"] != verb:
            raise ValueError("token of another verb")
        return ListArguments(
            since=_moment(data["from"]),
            until=_moment(data["until"]),
            set_spec=data["set"],
            after=int(data["after"]),
            cursor=int(data["cursor"]),
        )
    except (signing.BadSignature, ValueError, KeyError, TypeError) as error:
        raise OaiError(
            "badResumptionToken", "The resumption token is invalid or expired."
        ) from error


def _datestamp(text, name, *, end_of_day=False):
    if text is None:
        return None
    try:
        if _SECOND.fullmatch(text):
            moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            step = timedelta(seconds=1)
        elif _DAY.fullmatch(text):
            day = datetime.strptime(text, "%Y-%m-%d").date()
            moment = datetime.combine(day, time.min, tzinfo=UTC)
            step = timedelta(days=1)
        else:
            moment = step = None
        if moment is not None:
            # Datestamps show whole seconds: "until" takes in all of its
            # last second, or day.
            return moment + step - timedelta(microseconds=1) if end_of_day else moment
    except (ValueError, OverflowError):
        pass
    raise OaiError("badArgument", f"{name} must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")


def _moment_text(moment):
    return moment.isoformat() if moment else None


def _moment(text):
    return datetime.fromisoformat(text) if text else None
