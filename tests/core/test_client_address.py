import pytest
from django.test import RequestFactory, override_settings

from core.client_address import client_ip_address


def _address(remote_addr, forwarded=None):
    headers = {} if forwarded is None else {"x_forwarded_for": forwarded}
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)
    return client_ip_address(request)


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        (None, "10.0.0.2"),
        ("203.0.113.66", "203.0.113.66"),
        ("192.0.2.1, 203.0.113.66", "203.0.113.66"),
        ("192.0.2.1,203.0.113.66", "203.0.113.66"),
        ("2001:DB8:0::1", "2001:db8::1"),
        ("192.0.2.1, not-an-address", "10.0.0.2"),
        ("", "10.0.0.2"),
    ],
)
@override_settings(FOLIO_PROXY_COUNT=1)
def test_one_proxy_takes_the_rightmost_forwarded_entry(forwarded, expected):
    assert _address("10.0.0.2", forwarded) == expected


@override_settings(FOLIO_PROXY_COUNT=3)
def test_fewer_entries_than_proxies_takes_the_leftmost():
    assert _address("10.0.0.2", "203.0.113.66, 10.0.0.1") == "203.0.113.66"


@override_settings(FOLIO_PROXY_COUNT=0)
def test_without_proxies_only_the_connection_counts():
    assert _address("203.0.113.66", "192.0.2.1") == "203.0.113.66"
    assert _address("not-an-address", "192.0.2.1") is None
