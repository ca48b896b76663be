"""Stored XSS: payloads saved through the admin never run on any page.

Payloads go into every text and rich-text field through the admin forms
(one series through the browser, the rest posted as the editor's browser
would), then headless Chromium visits every public page, feed and download
that shows them, and the admin pages editors work in. A payload that ran
would open a dialog, log "XSS-<n>" or set window.__xss; one that got into a
page but was stopped by the Content-Security-Policy shows as a violation.
"""

import re
from itertools import cycle

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from authors.models import Author
from publications.models import RelatedPublication, Report, Series
from tests.factories import get_type, image_bytes, make_user, publication_admin_data
from tests.security.browser import PageLog, csp_violations
from tests.security.payloads import XSS_PAYLOADS, pack

pytestmark = pytest.mark.django_db(transaction=True)

ALL_PAYLOADS = " ".join(XSS_PAYLOADS)
RICH_TEXT = "".join(f"<p>{payload}</p>" for payload in XSS_PAYLOADS)
REPORTS = 16
RELATED = 3

_LEFTOVERS = """() => new Promise((resolve) => setTimeout(() => resolve({
    xss: window.__xss === undefined ? null : String(window.__xss),
    csp: window.__cspViolations || [],
}), 0))"""


def _ok(response):
    assert response.status_code == 302, getattr(response, "context", None) and (
        response.context.get("errors")
    )


def _photo(name):
    return SimpleUploadedFile(name, image_bytes(size=(24, 24)), "image/png")


def _store_series_in_the_browser(page, live_server, title, commissioned_by):
    page.goto(live_server.url + reverse("admin:publications_series_add"))
    page.fill("#id_title", title)
    page.fill("#id_commissioned_by", commissioned_by)
    page.locator(".field-description .tiptap[contenteditable=true]").click()
    page.keyboard.type(XSS_PAYLOADS[0] + " " + XSS_PAYLOADS[1])
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    return Series.objects.get(title=title)


def _store_topics(client):
    for number, payload in enumerate(XSS_PAYLOADS, start=1):
        _ok(
            client.post(
                reverse("admin:taggit_tag_add"),
                {"name": payload, "slug": f"xss-{number}"},
            )
        )
    return list(Tag.objects.filter(slug__startswith="xss-").order_by("pk"))


def _store_authors(client, alts):
    positions = cycle(pack(XSS_PAYLOADS, 255))
    affiliations = cycle(pack(XSS_PAYLOADS, 255))
    for number, name in enumerate(pack(XSS_PAYLOADS, 200)):
        _ok(
            client.post(
                reverse("admin:authors_author_add"),
                {
                    "name": name,
                    "slug": f"xss-author-{number}",
                    "position": next(positions),
                    "affiliation": next(affiliations),
                    "bio": RICH_TEXT,
                    "photo": _photo(f"author-{number}.png"),
                    "photo_alt": next(alts),
                    "website": "",
                    "email": "",
                },
            )
        )
    return list(Author.objects.filter(slug__startswith="xss-author-").order_by("pk"))


def _store_series(client, page, live_server):
    packs = pack(XSS_PAYLOADS, 255)
    series = [_store_series_in_the_browser(page, live_server, *packs[:2])]
    for number in range(1, REPORTS):
        _ok(
            client.post(
                reverse("admin:publications_series_add"),
                {
                    "title": packs[number % len(packs)],
                    "slug": f"xss-series-{number}",
                    "commissioned_by": packs[(number + 1) % len(packs)],
                    "description": RICH_TEXT,
                },
            )
        )
        series.append(Series.objects.get(slug=f"xss-series-{number}"))
    return series


def _store_publications(client, alts, tags, authors, series):
    titles, teasers = cycle(pack(XSS_PAYLOADS, 300)), cycle(pack(XSS_PAYLOADS, 590))
    affiliations = cycle(pack(XSS_PAYLOADS, 255))  # at publication
    for number in range(REPORTS):
        main = number == 0  # every author, topic and summary point
        chosen = authors if main else authors[number % len(authors) :][:2]
        authorships = [
            {"author": a.pk, "role": "author", "affiliation": next(affiliations)}
            for a in chosen
        ]
        # Every report is complete, as publishing needs (one point at least).
        points = (
            [{"text": payload} for payload in XSS_PAYLOADS]
            if main
            else [{"text": "A finding."}]
        )
        data = publication_admin_data(
            title=next(titles),
            slug=f"xss-report-{number}",
            teaser="In short: " + next(teasers),
            status="published",
            about=RICH_TEXT,
            body=RICH_TEXT,
            series=series[number].pk,
            image=_photo(f"cover-{number}.png"),
            # Words first: alt text of markup alone is no description, and
            # a report is published only with one.
            image_alt="Cover: " + next(alts),
            tags=[tag.pk for tag in (tags if main else tags[number::8])],
            **_inline("authorships", authorships),
            **_inline("summary_points", points),
        )
        _ok(client.post(reverse("admin:publications_report_add"), data))
    for number in range(RELATED):
        data = publication_admin_data(
            kind="related",
            title=next(titles),
            slug=f"xss-related-{number}",
            teaser="In short: " + next(teasers),
            status="published",
            body=RICH_TEXT,
            image=_photo(f"related-{number}.png"),
            image_alt="Cover: " + next(alts),
            tags=[tag.pk for tag in tags[number::3]],
            **_inline(
                "authorships", [{"author": authors[number].pk, "role": "author"}]
            ),
        )
        _ok(client.post(reverse("admin:publications_relatedpublication_add"), data))


def _store_everything(client, page, live_server):
    """Save the payloads in every field through the admin; return the items."""
    get_type("special-report")
    get_type("analysis")
    alts = cycle(pack(XSS_PAYLOADS, 248))
    tags = _store_topics(client)
    authors = _store_authors(client, alts)
    series = _store_series(client, page, live_server)
    _store_publications(client, alts, tags, authors, series)
    return {
        "main": Report.objects.get(slug="xss-report-0"),
        "reports": list(Report.objects.filter(slug__startswith="xss-report-")),
        "related": list(RelatedPublication.objects.filter(slug__startswith="xss-")),
        "authors": authors,
        "series": series,
        "tags": tags,
    }


def _inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data[f"{prefix}-{index}-position"] = str(index)
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def _public_paths(items):
    paths = [
        "/",
        reverse("publications:publication-list"),
        reverse("publications:publication-list") + "?q=console",
        reverse("publications:publication-list") + "?q=script&topic=xss-1",
        reverse("publications:author-list"),
        reverse("publications:series-list"),
        reverse("publications:topic-list"),
        reverse("publications:feed-latest"),
        reverse("publications:feed-latest-atom"),
        reverse("publications:feed-topic", kwargs={"slug": "xss-1"}),
        reverse("publications:feed-author", kwargs={"slug": items["authors"][0].slug}),
        reverse("publications:feed-series", kwargs={"slug": items["series"][0].slug}),
    ]
    for key in ("reports", "related", "authors", "series"):
        paths += [item.get_absolute_url() for item in items[key]]
    paths += [
        reverse("publications:topic-detail", kwargs={"slug": tag.slug})
        for tag in items["tags"]
    ]
    return paths


def _admin_paths(items):
    report = items["main"]
    return [
        reverse("admin:publications_report_changelist"),
        reverse("admin:publications_report_changelist") + "?topic=xss-1",
        reverse("admin:publications_relatedpublication_changelist"),
        reverse("admin:authors_author_changelist"),
        reverse("admin:publications_series_changelist"),
        reverse("admin:taggit_tag_changelist"),
        reverse("admin:publications_report_change", args=[report.pk]),
        reverse("admin:publications_report_history", args=[report.pk]),
        reverse("publication-export") + "?status=all",
    ]


def _visit(page, log, url, seen):
    """Load *url*; note in *seen* what a payload left: window.__xss, violations."""
    logged = len(log.console)
    response = page.goto(url)
    assert response.status == 200, url
    leftovers = page.evaluate(_LEFTOVERS)
    reported = log.csp_messages(since=logged)
    seen.append((url, leftovers["xss"], leftovers["csp"], reported))


def _assert_nothing_ran(log, seen, requests):
    assert [entry[:1] + entry[2:] for entry in seen if entry[2] or entry[3]] == []
    assert [entry[:2] for entry in seen if entry[1] is not None] == []
    assert log.dialogs == []
    assert [text for text in log.console if re.fullmatch(r"XSS-\d+", text)] == []
    # An injected <img src=x> would fetch /x from the site.
    assert [url for url in requests if url.rstrip("/").endswith("/x")] == []


def test_stored_payloads_never_run_on_public_pages_feeds_downloads_or_admin(
    open_page, live_server
):
    editor = make_user(role="Editors")
    client = Client()
    client.force_login(editor)
    admin_page, admin_log = open_page(editor)
    items = _store_everything(client, admin_page, live_server)
    assert items["series"][0].commissioned_by == pack(XSS_PAYLOADS, 255)[1]
    assert items["main"].summary_points.count() == len(XSS_PAYLOADS)

    page, log = open_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    seen = []
    for path in _public_paths(items):
        _visit(page, log, live_server.url + path, seen)
    report = items["main"]
    page.goto(live_server.url + report.get_absolute_url())
    shown = page.inner_text("#summary") + page.inner_text("#topics")
    assert all(payload in shown for payload in XSS_PAYLOADS)  # as text
    for name in ("publications:report-bibtex", "publications:report-ris"):
        with page.expect_download() as download:
            page.evaluate(
                "url => { const a = document.createElement('a'); a.href = url; "
                "a.download = ''; document.body.append(a); a.click(); }",
                reverse(name, kwargs={"slug": report.slug}),
            )
        assert download.value.suggested_filename.startswith(report.slug)

    for path in _admin_paths(items):
        _visit(admin_page, admin_log, live_server.url + path, seen)
    for file_format in ("csv", "json"):
        with admin_page.expect_download() as download:
            admin_page.evaluate(
                "url => { window.location.href = url; }",
                reverse("publication-export") + f"?status=all&download={file_format}",
            )
        assert download.value.suggested_filename.endswith(f".{file_format}")

    assert len(seen) > 100
    _assert_nothing_ran(log, seen, requests)
    _assert_nothing_ran(admin_log, [], [])
    assert admin_log.errors == []


def test_the_detectors_catch_a_payload_that_is_not_escaped(open_page, live_server):
    """If a template ever printed a payload raw, the checks above would fail."""
    page, log = open_page()
    raw = "".join(XSS_PAYLOADS[:3])
    page.route(
        live_server.url + "/raw-without-csp/",
        lambda route: route.fulfill(content_type="text/html", body=raw),
    )
    page.route(
        live_server.url + "/raw-with-csp/",
        lambda route: route.fulfill(
            content_type="text/html",
            headers={"Content-Security-Policy": "script-src 'self'"},
            body=raw,
        ),
    )
    seen = []

    _visit(page, log, live_server.url + "/raw-without-csp/", seen)
    assert log.dialogs and any("XSS-1" in text for text in log.console)
    assert seen[0][1] is not None
    _visit(page, PageLog(), live_server.url + "/raw-with-csp/", seen)
    assert seen[1][1] is None and seen[1][2]  # stopped, but reported
    assert csp_violations(page)
