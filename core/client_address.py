"""The address of the client behind a known number of reverse proxies."""

import ipaddress

from django.conf import settings


def client_ip_address(request):
    """Return the client's address for *request*, or None if it has none.

    With FOLIO_PROXY_COUNT at 0 this is REMOTE_ADDR, and X-Forwarded-For is
    ignored: any client can send that header. Behind N proxies, each appends
    the address it received the request from, so the Nth entry from the
    right is the one the outermost proxy saw: the client's. Entries further
    left were sent by the client and are ignored, whatever they say.
    """
    remote_addr = _canonical(request.META.get("REMOTE_ADDR", ""))
    proxy_count = settings.FOLIO_PROXY_COUNT
    if proxy_count <= 0:
        return remote_addr
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",")]
    # Fewer entries than proxies: the request entered the chain part way, and
    # the leftmost entry is still one a proxy wrote.
    entry = entries[-min(proxy_count, len(entries))]
    return _canonical(entry) or remote_addr


def _canonical(address):
    """Return *address* in its one canonical spelling, or None if invalid."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
