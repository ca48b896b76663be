"""Refuse requests whose data Django will not parse, the same way under DEBUG."""

import logging

from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import get_resolver, get_urlconf


class RequestDataMiddleware:
    """Parse the query string and form body first; answer 400 if refused.

    Django raises TooManyFieldsSent and its kin when request data breaks the
    DATA_UPLOAD_* limits. Without DEBUG these become handler400's page. With
    DEBUG, the technical error page reads the query string again, fails the
    same way, and the request ends in a 500; so does any other error raised
    while such a query string is pending. Parsing here, before anything else
    runs, leaves the request with empty data, and the view is replaced by the
    site's 400 page: one answer whatever DEBUG says, with every response
    header the other middleware adds.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.refused_data = None
        try:
            request.GET  # noqa: B018 - parsing is the point
        except SuspiciousOperation as error:
            request.GET = QueryDict()
            self._refuse(request, error)
        if request.method == "POST":
            try:
                request.POST  # noqa: B018
            except (SuspiciousOperation, MultiPartParserError) as error:
                # What Django's own exception handler does for these errors.
                request._mark_post_parse_error()
                self._refuse(request, error)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.refused_data is None:
            return None
        handler = get_resolver(get_urlconf()).resolve_error_handler(400)
        return handler(request, request.refused_data)

    @staticmethod
    def _refuse(request, error):
        request.refused_data = error
        logger = logging.getLogger(f"django.security.{type(error).__name__}")
        logger.warning(
            "Bad request %s: %s",
            request.path,
            error,
            extra={"status_code": 400, "request": request},
        )
