"""The generated report PDF: what it says, how it looks, and who gets it."""

import io
import subprocess
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from publications.drafts import draft_for
from publications.models import GeneratedPdf, Report
from publications.pdf.fetcher import LocalFilesFetcher, RefusedURL
from publications.pdf.jobs import request_pdf, run_job
from publications.pdf.render import media_names, render_pdf, source_hash, source_html
from tests.chromium import ARTIFACTS
from tests.factories import make_author, make_report, make_user

pytestmark = pytest.mark.django_db

BODY = (
    "<h2>Where the talks began</h2><p>Local deals came first.</p>"
    "<h3>The first ceasefire</h3><p>It held for six months.</p>"
    "<h2>What national negotiators can learn</h2><p>Build on local deals.</p>"
)


def _report(**kwargs):
    author = make_author(
        name="Helena Marsh",
        position="Senior fellow",
        bio="<p>Helena Marsh leads the work on settlements.</p>",
    )
    fields = {
        "title": "Talking Before the Guns Fall Silent",
        "teaser": "Local ceasefires are often dismissed as stopgaps.",
        "number": 312,
        "authors": (author,),
        "tags": ("Ceasefires", "Mediation"),
        "summary_points": ("Two thirds held.", "Monitors matter."),
        "about": "<p>Drawn from 140 interviews.</p>",
        "body": BODY,
    }
    return make_report(**{**fields, **kwargs})


def _generate(report):
    state = request_pdf(report.pk)
    assert run_job(report.pk, state.job) == "generated"
    state.refresh_from_db()
    return state


def _store_generated(report, data=b"%PDF-1.7 generated", *, digest=None):
    """Record *data* as report's generated PDF, made from *digest* (or now)."""
    report = Report.objects.select_related("publication_type").get(pk=report.pk)
    state, _ = GeneratedPdf.objects.get_or_create(report=report)
    state.file.save("generated.pdf", ContentFile(data), save=False)
    state.source_hash = digest or source_hash(source_html(report))
    state.status = GeneratedPdf.Status.DONE
    state.save()
    return state


def test_generated_pdf_has_every_section_in_order_metadata_and_tags(settings):
    settings.FOLIO_INSTITUTE_NAME = "Institute for Peace Studies"
    settings.FOLIO_INSTITUTE_ADDRESS = ["12 Harbour Street", "Springfield 0101"]
    state = _generate(_report())

    assert state.status == GeneratedPdf.Status.DONE and state.pages == 4
    with state.file.open("rb") as file:
        data = file.read()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-pdf.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    in_order = [
        "Special Report No. 312",
        "Talking Before the Guns Fall Silent",
        "Local ceasefires are often dismissed as stopgaps.",
        "Helena Marsh",
        "Summary",
        "Two thirds held.",
        "Monitors matter.",
        "About the Report",
        "Drawn from 140 interviews.",
        "About the Author",
        "Senior fellow",
        "The Report",
        "Where the talks began",
        "The first ceasefire",
        "What national negotiators can learn",
        "Topics",
        "Ceasefires · Mediation",
        "Cite this report",
        "Marsh, Helena.",
        "Institute for Peace Studies",
        "12 Harbour Street",
    ]
    # Each after the one before; case aside (the cover sets the type in
    # capitals) and words broken across lines joined again.
    flowing = " ".join(text.replace("-\n", "").split()).casefold()
    position = 0
    for part in in_order:
        found = flowing.find(part.casefold(), position)
        assert found >= 0, f"{part!r} missing, or not after what comes before it"
        position = found + len(part)

    metadata = reader.metadata
    assert metadata.title == "Talking Before the Guns Fall Silent"
    assert metadata.author == "Helena Marsh"
    assert metadata.subject == "Local ceasefires are often dismissed as stopgaps."
    assert metadata["/Keywords"] == "Ceasefires, Mediation"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-us"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    # Set in the fonts shipped in static/fonts, not whatever the system has.
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts == {
        "Folio-Serif",
        "Folio-Serif-Bold",
        "Folio-Serif-Italic",
        "Folio-Sans",
        "Folio-Sans-Bold",
    }
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[:3] == ["Summary", "About the Report", "About the Author"]
    # Running headers and page numbers on the inner pages, none on the cover.
    second_page = reader.pages[1].extract_text()
    assert "SPECIAL REPORT NO. 312 Summary" in second_page
    assert second_page.strip().endswith("2")
    _check_cover_png(ARTIFACTS / "report-pdf.pdf")


def _check_cover_png(source):
    """Render the first pages with pdftoppm, kept in test-artifacts to look at."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", source, source.stem],
        cwd=ARTIFACTS,
        check=True,
        timeout=60,
    )
    cover = Image.open(ARTIFACTS / "report-pdf-1.png").convert("RGB")
    assert cover.size == (510, 660)  # US Letter at 60 dpi
    # The cover is the institute's blue, with white type on it.
    colours = cover.getcolors(cover.width * cover.height)
    commonest = max(colours)[1]
    assert commonest == (31, 78, 121)
    assert any(colour[0] > 240 and colour[2] > 240 for _n, colour in colours)
    inner = Image.open(ARTIFACTS / "report-pdf-2.png").convert("L")
    assert max(inner.getcolors())[1] == 255  # white paper


def test_fetcher_reads_static_files_and_named_media_only(settings):
    settings.FOLIO_SITE_URL = "https://folio.example.org"
    fetcher = LocalFilesFetcher(media_names={"images/a/cover.png"})
    font = fetcher.fetch("https://folio.example.org/static/fonts/NotoSans-Bold.woff2")
    assert font.read(4) == b"wOF2"
    refused = [
        "file:///etc/passwd",
        "http://127.0.0.1:1/secret",
        "http://169.254.169.254/latest/meta-data/",
        "https://folio.example.org/static/../../config/settings/base.py",
        "https://folio.example.org/static/%2e%2e/%2e%2e/manage.py",
        "https://folio.example.org/media/images/b/other.png",
        "https://folio.example.org/admin/",
        "https://other.example.org/static/css/report-pdf.css",
        "data:text/css,body{}",
    ]
    for url in refused:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_rendering_hostile_html_reads_nothing_outside(settings, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red; }")
    html = (
        f'<link rel="stylesheet" href="file://{secret}">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        f'<p>Text</p><img src="file://{secret}" alt="">'
    )
    pdf, pages = render_pdf(html)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert pages == 1 and "Text" in text


def test_readers_get_the_generated_pdf_while_it_is_current(client):
    report = _report()
    _store_generated(report)
    response = client.get(reverse("publications:report-pdf", args=[report.slug]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 generated"
    assert response["Content-Type"] == "application/pdf"


def test_a_stale_pdf_is_never_served_and_a_new_one_is_asked_for(client, settings):
    report = _report()
    old_job = _store_generated(report).job
    # A change no receiver sees: only the fingerprint tells.
    settings.FOLIO_INSTITUTE_NAME = "A Renamed Institute"
    response = client.get(reverse("publications:report-pdf", args=[report.slug]))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    state = GeneratedPdf.objects.get(report=report)
    assert state.status == GeneratedPdf.Status.QUEUED and state.job != old_job
    Report.objects.filter(pk=report.pk).update(title="Changed without a save")
    client.get(reverse("publications:report-pdf", args=[report.slug]))
    assert GeneratedPdf.objects.get(report=report).job == state.job  # one job


def test_an_uploaded_pdf_stays_authoritative(client):
    report = _report(pdf=True)
    _store_generated(report)
    response = client.get(reverse("publications:report-pdf", args=[report.slug]))
    assert b"".join(response.streaming_content) != b"%PDF-1.7 generated"


@pytest.mark.parametrize("when", ["draft", "scheduled", "expired"])
def test_reports_not_live_have_no_public_pdf(client, when):
    now = timezone.now()
    report = {
        "draft": lambda: _report(published=False),
        "scheduled": lambda: _report(publish_at=now + timedelta(days=1)),
        "expired": lambda: _report(
            publish_at=now - timedelta(days=2), unpublish_at=now - timedelta(days=1)
        ),
    }[when]()
    _store_generated(report)
    response = client.get(reverse("publications:report-pdf", args=[report.slug]))
    assert response.status_code == 404


def test_staff_preview_a_draft_pdf_made_now(client):
    report = _report(published=False, title="A Draft Not Yet Out")
    client.force_login(make_user(role="Contributors"))
    response = client.get(reverse("publications:report-pdf", args=[report.slug]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    reader = PdfReader(io.BytesIO(response.content))
    assert "A Draft Not Yet Out" in reader.pages[0].extract_text()
    assert not GeneratedPdf.objects.filter(report=report).exists()


def test_the_download_link_is_on_the_page_from_publication_on(client):
    report = _report()
    response = client.get(report.get_absolute_url())
    link = reverse("publications:report-pdf", args=[report.slug])
    assert f'href="{link}">Download the PDF' in response.content.decode()


def test_staff_preview_the_unpublished_changes_of_a_live_report(client):
    report = _report(title="The Published Title")
    draft = draft_for(report)
    draft.title = "The Changed Title"
    draft.save()
    client.force_login(make_user(role="Contributors"))
    url = reverse("publications:report-pdf", args=[report.slug])

    response = client.get(url, {"preview": "draft"})

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    cover = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "The Changed Title" in cover
    # Readers still get the published version only.
    client.logout()
    assert client.get(url, {"preview": "draft"}).status_code == 503


def _structure(node):
    """Yield (role, alt text) of every element of a tagged PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, ArrayObject):
        for kid in node:
            yield from _structure(kid)
    elif isinstance(node, DictionaryObject):
        if "/S" in node:
            yield str(node["/S"]), node.get("/Alt")
        if "/K" in node:
            yield from _structure(node["/K"])


def test_the_cover_image_is_tagged_with_its_alt_text():
    report = _report(image=True)
    report = Report.objects.select_related("publication_type").get(pk=report.pk)
    pdf, _pages = render_pdf(source_html(report), media=media_names(report))
    reader = PdfReader(io.BytesIO(pdf))
    tagged = list(_structure(reader.trailer["/Root"]["/StructTreeRoot"]))
    assert ("/Figure", "Cover image") in tagged
    assert {"/H1", "/H2", "/H3", "/L", "/LI", "/P"} <= {role for role, _alt in tagged}
    assert reader.pages[0].images  # drawn, read through the fetcher
