import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from PIL import Image
from reversion.models import Version
from taggit.models import Tag

from authors.models import Author
from publications.demo_media import COVER_SIZE
from publications.models import (
    Authorship,
    PinnedPublication,
    Publication,
    RelatedPublication,
    Report,
    ReviewEvent,
    Series,
    SummaryPoint,
    TaggedPublication,
)
from publications.publishing_rules import missing_for_publishing_each
from publications.states import ReviewStatus

pytestmark = pytest.mark.django_db

COUNTED_MODELS = (
    Author,
    Series,
    Publication,
    Report,
    RelatedPublication,
    SummaryPoint,
    Authorship,
    Tag,
    TaggedPublication,
    PinnedPublication,
)


def _load(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _snapshot(media_root):
    rows = {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in COUNTED_MODELS
    }
    files = sorted(str(path) for path in media_root.rglob("*") if path.is_file())
    return rows, files


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load the demo once for the module; roll it back afterwards.

    Each test runs in a transaction of its own inside this one, so what a
    test changes (a second run, say) is gone before the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield _load()
        transaction.set_rollback(True)


def test_load_demo_creates_the_promised_content(loaded):
    assert "Created 9 authors, 2 series, 22 reports, 30 related publications" in loaded
    assert Author.objects.count() >= 3
    assert Series.objects.count() == 2
    assert Report.objects.count() == 22
    assert RelatedPublication.objects.count() == 30
    for report in Report.objects.all():
        assert 3 <= report.summary_points.count() <= 5
        assert report.number is not None
        assert report.teaser and report.about
        assert report.image and report.thumbnail
        assert (report.image_width, report.image_height) == COVER_SIZE
    related_types = set(
        RelatedPublication.objects.values_list("publication_type__name", flat=True)
    )
    assert related_types == {
        "Analysis",
        "Question and Answer",
        "Commentary",
        "News",
        "Event",
    }
    assert RelatedPublication.objects.exclude(external_url="").count() == 1
    assert RelatedPublication.objects.filter(image="").count() == 0
    assert Series.objects.filter(commissioned_by="").count() == 0
    assert Author.objects.filter(photo="").count() == 0
    assert Author.objects.filter(bio="").count() == 0
    assert Report.objects.exclude(body="").exists()
    assert PinnedPublication.objects.exists()


def test_load_demo_has_one_draft_and_one_scheduled_item(loaded):
    assert Publication.objects.in_state("draft").count() == 1
    assert Publication.objects.in_state("scheduled").count() == 1
    assert Publication.objects.in_state("expired").count() == 0
    assert Publication.objects.live().count() == 50


def test_the_demo_lists_enough_to_page_and_filter(loaded, client):
    # In the test of the draft and scheduled items' fixture run: each
    # load_demo run costs seconds.
    live = Publication.objects.live()
    second = client.get("/publications/?page=2")
    filtered = client.get("/publications/?type=special-report&topic=mediation")

    assert live.count() >= 45
    assert len({item.publish_at.year for item in live}) >= 3
    assert len(set(live.values_list("publication_type", flat=True))) >= 8
    assert len(set(live.values_list("authors", flat=True))) >= 7
    assert second.status_code == 200
    assert second.context["page_obj"].number == 2
    assert 'aria-current="page"' in second.content.decode()
    assert 0 < filtered.context["paginator"].count < live.count()


def test_one_report_fills_every_section(loaded):
    report = Report.objects.get(slug="local-ceasefires-path-to-national-talks")
    assert report.type_and_number == "Special Report No. 312"
    assert report.series.commissioned_by
    assert report.summary_points.count() >= 3
    assert report.about and report.body
    authorships = list(report.authorships.select_related("author"))
    assert [a.author.slug for a in authorships] == [
        "helena-marsh",
        "nadia-rahimi",
        "daniel-osei",
    ]
    assert all(a.author.photo and a.author.bio for a in authorships)
    assert report.tags.count() >= 3
    assert report.pins.count() == 2
    with report.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with report.image.open("rb") as image_file:
        assert Image.open(image_file).size == COVER_SIZE


def test_every_live_item_shares_a_topic_with_another_live_item(loaded):
    live = Publication.objects.live().prefetch_related("tags")
    tags_by_pk = {item.pk: {tag.pk for tag in item.tags.all()} for item in live}
    for pk, tags in tags_by_pk.items():
        others = set().union(*(t for other, t in tags_by_pk.items() if other != pk))
        assert tags & others, pk


def test_every_demo_item_could_be_published_today(loaded):
    items = Publication.objects.select_related("report", "relatedpublication")
    missing = missing_for_publishing_each(item.specific for item in items)

    assert len(missing) == 52
    assert {pk: gaps for pk, gaps in missing.items() if gaps} == {}


def test_second_run_creates_nothing_and_writes_no_files(loaded, media_root):
    before = _snapshot(media_root)
    versions = Version.objects.count()

    output = _load("--verbosity", "2")

    assert _snapshot(media_root) == before
    assert "Demo content up to date." in output
    assert "Updated report:" in output
    assert Tag.objects.filter(name__iexact="mediation").count() == 1
    assert Version.objects.count() == versions
    assert ReviewEvent.objects.count() == 1


def test_second_run_keeps_the_scheduled_item_scheduled(loaded):
    scheduled = Publication.objects.in_state("scheduled").get()
    Publication.objects.filter(pk=scheduled.pk).update(
        publish_at=timezone.now() - timedelta(hours=1)
    )

    _load()

    assert Publication.objects.in_state("scheduled").get().pk == scheduled.pk


def test_every_item_has_a_first_version_and_one_waits_for_review(loaded):
    for item in [*Report.objects.all(), *RelatedPublication.objects.all()]:
        versions = Version.objects.get_for_object(item).select_related("revision")
        assert versions.exists(), item.slug
        assert versions.last().revision.comment == (
            "First version, from the demo content."
        )
    assert "52 first versions, 1 submitted for review" in loaded
    waiting = Publication.objects.get(review_status=ReviewStatus.WAITING)
    event = ReviewEvent.objects.get()
    assert (event.publication_id, event.action) == (waiting.pk, "submitted")
    assert event.actor.username == "demo-contributor"
    assert event.actor.groups.filter(name="Contributors").exists()
    assert not event.actor.has_usable_password()
    assert waiting.status == "draft"
