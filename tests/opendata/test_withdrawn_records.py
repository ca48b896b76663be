"""Items that leave the site stay in OAI-PMH as deleted records, without content."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from opendata.models import WithdrawnRecord
from opendata.oai_records import record_identifier
from publications.models import Publication
from tests.factories import make_related, make_report, make_series, make_user
from tests.opendata.oai_checks import OAI, dc_values, header_list, oai_error

pytestmark = pytest.mark.django_db

SECRET = "Withdrawn findings"


def _get_record(oai, publication):
    return oai(
        verb="GetRecord",
        identifier=record_identifier(publication.pk),
        metadataPrefix="oai_dc",
    )


def _assert_deleted(oai, publication):
    """Assert GetRecord and ListRecords show *publication* deleted, content-free."""
    identifier = record_identifier(publication.pk)
    root = _get_record(oai, publication)
    assert header_list(root) == [(identifier, "deleted")]
    assert root.find(f".//{OAI}metadata") is None
    listed = oai(verb="ListRecords", metadataPrefix="oai_dc")
    assert (identifier, "deleted") in header_list(listed)
    assert SECRET not in dc_values(listed, "title")


def test_an_unpublished_item_becomes_a_deleted_record(oai):
    report = make_report(title=SECRET)
    report.status = Publication.Status.DRAFT
    report.save()
    _assert_deleted(oai, report)


def test_an_item_scheduled_again_becomes_a_deleted_record(oai):
    related = make_related(title=SECRET)
    related.publish_at = timezone.now() + timedelta(days=3)
    related.save()
    _assert_deleted(oai, related)


def test_an_expired_item_is_a_deleted_record_from_its_unpublish_date(oai):
    now = timezone.now()
    report = make_report(title=SECRET, publish_at=now - timedelta(days=5))
    # Past its unpublish date without a save, as time alone would do it.
    Publication.objects.filter(pk=report.pk).update(
        unpublish_at=now - timedelta(days=1)
    )
    _assert_deleted(oai, report)
    datestamp = _get_record(oai, report).findtext(f".//{OAI}datestamp")
    expected = (now - timedelta(days=1)).astimezone(timezone.UTC)
    assert datestamp == expected.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_deleted_item_stays_a_deleted_record(oai):
    series = make_series(slug="water")
    report = make_report(title=SECRET, series=series)
    pk = report.pk
    report.delete()
    _assert_deleted(oai, type(report)(pk=pk))
    in_set = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="series:water")
    assert header_list(in_set) == [(record_identifier(pk), "deleted")]


def test_a_withdrawal_moves_the_datestamp_on(oai):
    report = make_report(title=SECRET)
    before = timezone.now()
    Publication.objects.filter(pk=report.pk).update(
        updated_at=before - timedelta(days=9)
    )
    report.refresh_from_db()
    report.status = Publication.Status.DRAFT
    report.save()
    since = before.astimezone(timezone.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": since})
    assert header_list(root) == [(record_identifier(report.pk), "deleted")]


def test_items_that_never_went_live_never_appear(oai):
    draft = make_report(published=False)
    scheduled = make_report(publish_at=timezone.now() + timedelta(days=1))
    draft.title = "Edited draft"
    draft.save()
    scheduled.status = Publication.Status.DRAFT
    scheduled.save()
    pk = draft.pk
    draft.delete()
    assert not WithdrawnRecord.objects.exists()
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert oai_error(root) == "noRecordsMatch"
    gone = oai(
        verb="GetRecord", identifier=record_identifier(pk), metadataPrefix="oai_dc"
    )
    assert oai_error(gone) == "idDoesNotExist"


def test_an_item_published_again_is_a_full_record_again(oai):
    report = make_report(title="Back again")
    report.status = Publication.Status.DRAFT
    report.save()
    report.status = Publication.Status.PUBLISHED
    report.save()
    root = _get_record(oai, report)
    assert header_list(root) == [(record_identifier(report.pk), None)]
    assert dc_values(root, "title") == ["Back again"]


def test_the_admin_unpublish_action_leaves_a_deleted_record(client, oai):
    report = make_report(title=SECRET)
    client.force_login(make_user(role="Editors"))
    client.post(
        reverse("admin:publications_report_changelist"),
        {"action": "unpublish", "_selected_action": [report.pk]},
    )
    client.logout()
    _assert_deleted(oai, report)
