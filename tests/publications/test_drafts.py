"""Drafts of published items: made from a copy, published back, discarded."""

import pytest
from django.db import IntegrityError, transaction
from reversion.models import Version

from publications import drafts
from publications.models import Publication, RelatedPublication, Report
from tests.factories import (
    make_author,
    make_related,
    make_report,
    make_series,
    make_user,
    pin,
)

pytestmark = pytest.mark.django_db


def _contents(item):
    item = type(item).objects.get(pk=item.pk)
    return {
        "title": item.title,
        "number": item.number,
        "series": item.series_id,
        "pdf": item.pdf.name,
        "image": item.image.name,
        "thumbnail": item.thumbnail.name,
        "pdf_text": item.pdf_text,
        "authors": [(a.author.name, a.role) for a in item.authorships.all()],
        "points": [point.text for point in item.summary_points.all()],
        "pins": [p.target_id for p in item.pins.all()],
        "topics": sorted(item.tags.names()),
    }


@pytest.fixture
def live():
    report = make_report(
        title="Live",
        slug="live",
        number=7,
        series=make_series(),
        tags=["Water", "Soil"],
        authors=[make_author(name="Ann"), make_author(name="Ben")],
        summary_points=["One", "Two"],
        pdf=True,
        image=True,
    )
    pin(report, make_related(title="Pinned"))
    return report


def test_draft_for_copies_the_item_with_its_rows_and_files(live):
    draft = drafts.draft_for(live)

    assert _contents(draft) == _contents(live)
    assert (draft.draft_of_id, draft.status, draft.slug) == (
        live.pk,
        "draft",
        f"~draft-{live.pk}",
    )
    assert drafts.draft_for(live) == draft  # one draft per item
    assert Report.objects.filter(draft_of=None).count() == 1


def test_a_draft_row_can_never_be_published():
    live = make_related()
    draft = drafts.draft_for(live)
    draft.status = Publication.Status.PUBLISHED
    draft.save()
    assert RelatedPublication.objects.get(pk=draft.pk).status == "draft"

    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.filter(pk=draft.pk).update(status="published")


def test_publish_draft_copies_the_changes_onto_the_item_and_deletes_the_draft(live):
    before = Report.objects.get(pk=live.pk)
    draft = drafts.draft_for(live)
    draft.title = "Reviewed"
    draft.number = 8
    draft.save()
    draft.authorships.filter(author__name="Ann").delete()
    draft.summary_points.create(text="Three", position=3)
    draft.tags.set(["Fire"])
    draft.pins.all().delete()
    expected = _contents(draft)
    editor = make_user(role="Editors")

    published = drafts.publish_draft(draft, user=editor)

    assert _contents(live) == expected
    stored = Report.objects.get(pk=live.pk)
    assert (stored.pk, stored.slug, stored.status, stored.publish_at) == (
        before.pk,
        "live",
        "published",
        before.publish_at,
    )
    assert stored.version == before.version + 1 == published.version
    assert not Report.objects.filter(draft_of=live).exists()
    version = Version.objects.get_for_object(stored).get()
    assert version.revision.user == editor
    assert version.field_dict["title"] == "Reviewed"


def test_publishing_or_discarding_a_draft_twice_says_why(live):
    draft = drafts.draft_for(live)
    drafts.publish_draft(draft)

    for act in (drafts.publish_draft, drafts.discard_draft):
        with pytest.raises(drafts.DraftError, match="published or discarded already"):
            act(draft)


def test_a_draft_whose_number_was_taken_meanwhile_is_not_published(live):
    draft = drafts.draft_for(live)
    draft.number = 9
    draft.save()
    make_report(title="Took nine", number=9)

    with pytest.raises(drafts.DraftError, match="“Took nine” already has"):
        drafts.publish_draft(draft)

    assert Report.objects.get(pk=live.pk).number == 7
    assert Report.objects.filter(pk=draft.pk).exists()


def test_discard_draft_leaves_the_item_as_it_was(live):
    before = _contents(live)
    draft = drafts.draft_for(live)
    draft.authorships.all().delete()

    drafts.discard_draft(draft)

    assert _contents(live) == before
    assert not Report.objects.filter(draft_of=live).exists()
    assert Report.objects.get(pk=live.pk).pdf.storage.exists(before["pdf"])


def test_changed_fields_names_each_change_in_words(live):
    draft = drafts.draft_for(live)
    draft.title = "Reviewed"
    draft.body = "<p>New <b>body</b>.</p>"
    draft.save()
    draft.summary_points.filter(text="Two").update(text="Second")
    draft.tags.set(["Water"])

    changes = drafts.changed_fields(draft, live)

    assert [(c.label, c.published, c.draft) for c in changes] == [
        ("Title", "Live", "Reviewed"),
        ("Body", "—", "New body."),
        ("Summary", "One\nTwo", "One\nSecond"),
        ("Topics", "Soil, Water", "Water"),
    ]


def test_an_incomplete_draft_is_not_published_and_says_what_is_missing(live):
    draft = drafts.draft_for(live)
    draft.authorships.all().delete()
    draft.summary_points.all().delete()

    with pytest.raises(
        drafts.DraftError,
        match="add at least one author and at least one summary point",
    ):
        drafts.publish_draft(draft)

    assert _contents(live)["authors"] == [("Ann", "author"), ("Ben", "author")]
    assert Report.objects.filter(pk=draft.pk).exists()
