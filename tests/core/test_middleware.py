"""core.middleware: Django's behaviour, without the per-request work nothing uses."""

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.csp import CSP, build_policy
from django.utils.functional import empty

from core.middleware import (
    CachedPolicyCSPMiddleware,
    ChecksumConditionalGetMiddleware,
    LazyMessageMiddleware,
)


def _request(**headers):
    request = RequestFactory().get("/", **headers)
    SessionMiddleware(lambda request: HttpResponse()).process_request(request)
    return request


def test_messages_storage_is_opened_only_when_used_and_then_saved():
    untouched = _request()
    response = LazyMessageMiddleware(lambda request: HttpResponse())(untouched)
    assert untouched._messages._wrapped is empty  # never opened
    assert response.cookies.get("messages") is None

    def adds(request):
        messages.info(request, "Saved.")
        return HttpResponse()

    response = LazyMessageMiddleware(adds)(_request())
    cookie = response.cookies["messages"].value
    later = _request()
    later.COOKIES["messages"] = cookie
    assert [str(message) for message in CookieStorage(later)] == ["Saved."]


def test_policy_without_nonce_is_djangos_and_a_used_nonce_still_appears():
    request = _request()
    middleware = CachedPolicyCSPMiddleware(lambda request: HttpResponse())
    response = middleware(request)
    assert response[CSP.HEADER_ENFORCE] == build_policy(settings.SECURE_CSP)

    def uses_nonce(request):
        return HttpResponse(f'<script nonce="{request._csp_nonce}"></script>')

    request = _request()
    response = CachedPolicyCSPMiddleware(uses_nonce)(request)
    assert f"'nonce-{request._csp_nonce}'" in response[CSP.HEADER_ENFORCE]


def test_etag_follows_the_body_and_answers_304_when_unchanged():
    def page(body):
        return ChecksumConditionalGetMiddleware(lambda request: HttpResponse(body))

    etag = page("one")(_request())["ETag"]
    assert page("two")(_request())["ETag"] != etag
    repeat = page("one")(_request(HTTP_IF_NONE_MATCH=etag))
    assert repeat.status_code == 304
