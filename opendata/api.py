"""The read-only JSON API at /api/v1/, built with django-ninja.

Live items only, under the HTML pages' rule: an author, series or topic is
listed while something live belongs to it. Answers depend on the URL alone
(links are built from FOLIO_SITE_URL), so the page cache may keep them.
"""

import pydantic_core
from django.conf import settings
from django.utils import timezone
from django.utils.http import urlencode
from ninja import NinjaAPI, Query, Swagger
from ninja.errors import HttpError, ValidationError
from ninja.renderers import BaseRenderer

from core.links import absolute_url
from opendata.cursors import BadCursor, encode_cursor
from opendata.representations import (
    Links,
    author_data,
    publication_data,
    publication_detail_data,
    series_data,
    topic_data,
)
from opendata.schemas import (
    AuthorPage,
    ErrorOut,
    PageRequest,
    PublicationDetailOut,
    PublicationFilters,
    PublicationPage,
    SeriesList,
    TopicList,
)
from opendata.selectors import (
    api_authors,
    api_publication,
    api_publications,
    api_series,
    api_topics,
)

# PublicationFilters field -> filter_publications keyword argument.
_FILTER_ARGUMENTS = {
    "type": "type_slug",
    "topic": "topic_slug",
    "series": "series_slug",
    "author": "author_slug",
    "year": "year",
    "q": "query",
}
_PAGE_ARGUMENTS = ("cursor", "page_size")

DESCRIPTION = """\
The institute's live publications, authors, series and topics, read-only.

* **Lists** are newest first (authors by name) and paged by cursor: follow
  `next` until it is `null`. `page_size` is 1 to 100 (20 by default).
* **Conditional requests:** every answer has an `ETag`; send it back in
  `If-None-Match` and an unchanged answer is `304 Not Modified`, without a body.
* **CORS:** any origin may read the API (`GET`, `HEAD`, `OPTIONS`).
* **Rate limit:** {rate_limit}
* An unknown query parameter is an error (`400`), never ignored.
* Libraries can harvest the same items with OAI-PMH at `/oai/`.
"""


class FolioSwagger(Swagger):
    """Swagger UI from the static files, under the site's CSP."""

    template = "opendata/api_docs.html"


class JSONRenderer(BaseRenderer):
    """JSON written by pydantic-core: several times faster than json.dumps."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return pydantic_core.to_json(data)


class FolioAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        limit = settings.FOLIO_OPEN_DATA_REQUESTS_PER_MINUTE
        rate_limit = (
            f"{limit} requests a minute from one address; past it,"
            " `429 Too Many Requests` with `Retry-After`."
            if limit
            else "none on this server."
        )
        schema["info"]["description"] = DESCRIPTION.format(rate_limit=rate_limit)
        return schema


api = FolioAPI(
    title="Open data API",
    version="1",
    urls_namespace="opendata:api",
    docs=FolioSwagger(settings={"defaultModelsExpandDepth": 0}),
    docs_url="/docs/",
    openapi_url="/openapi.json",
    renderer=JSONRenderer(),
)

_ERRORS = {400: ErrorOut, 404: ErrorOut, 429: ErrorOut}


@api.exception_handler(ValidationError)
def _bad_request(request, error):
    problems = "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'][1:])}: {problem['msg']}"
        for problem in error.errors
    )
    return api.create_response(request, {"detail": problems}, status=400)


@api.exception_handler(BadCursor)
def _bad_cursor(request, error):
    return api.create_response(request, {"detail": str(error)}, status=400)


def _reject_unknown(request, allowed):
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise HttpError(400, f"Unknown query parameter: {unknown[0]}.")


def _answer(request, data):
    """Return *data*, built in its documented shape, as the 200 answer."""
    # Not checked against the schema again, which took a third of a page of
    # 50's time; the fuzz tests hold the views to the document.
    return api.create_response(request, data, status=200)


def _next_link(request, values, cursor):
    """Return the absolute URL of the next page, with the same arguments."""
    query = {
        name: value
        for name, value in values.items()
        if value is not None and name != "cursor"
    }
    query["cursor"] = cursor
    return absolute_url(f"{request.path}?{urlencode(query)}")


@api.get(
    "/publications/",
    response={200: PublicationPage, **_ERRORS},
    summary="Live publications, newest first",
    tags=["publications"],
)
def list_publications(request, filters: Query[PublicationFilters]):
    """The listing's filters combine: type, topic, series, author, year, q."""
    _reject_unknown(request, [*_FILTER_ARGUMENTS, *_PAGE_ARGUMENTS])
    values = filters.dict()
    arguments = {
        _FILTER_ARGUMENTS[name]: values[name]
        for name in _FILTER_ARGUMENTS
        if values[name] not in (None, "")
    }
    size = filters.page_size
    rows = api_publications(
        filters=arguments, cursor=filters.cursor, limit=size + 1, now=timezone.now()
    )
    last = rows[size - 1] if len(rows) > size else None
    links = Links()
    return _answer(
        request,
        {
            "next": last
            and _next_link(
                request, values, encode_cursor(last["publish_at"], last["pk"])
            ),
            "results": [publication_data(row, links) for row in rows[:size]],
        },
    )


@api.get(
    "/publications/{slug}/",
    response={200: PublicationDetailOut, **_ERRORS},
    summary="One live publication",
    tags=["publications"],
)
def get_publication(request, slug: str):
    """Authors in order, summary points, about, topics, series, links."""
    _reject_unknown(request, [])
    publication = api_publication(slug, now=timezone.now())
    if publication is None:
        raise HttpError(404, "No live publication has this slug.")
    return _answer(request, publication_detail_data(publication))


@api.get(
    "/authors/",
    response={200: AuthorPage, **_ERRORS},
    summary="Authors with live publications, by name",
    tags=["authors"],
)
def list_authors(request, page: Query[PageRequest]):
    _reject_unknown(request, _PAGE_ARGUMENTS)
    size = page.page_size
    rows = api_authors(cursor=page.cursor, limit=size + 1, now=timezone.now())
    last = rows[size - 1] if len(rows) > size else None
    return {
        "next": last
        and _next_link(request, page.dict(), encode_cursor(last["name"], last["pk"])),
        "results": [author_data(author) for author in rows[:size]],
    }


@api.get(
    "/series/",
    response={200: SeriesList, **_ERRORS},
    summary="Series with live reports, by title",
    tags=["series"],
)
def list_series(request):
    _reject_unknown(request, [])
    return {"results": [series_data(s) for s in api_series(now=timezone.now())]}


@api.get(
    "/topics/",
    response={200: TopicList, **_ERRORS},
    summary="Topics of live publications, by name",
    tags=["topics"],
)
def list_topics(request):
    _reject_unknown(request, [])
    return {"results": [topic_data(t) for t in api_topics(now=timezone.now())]}
