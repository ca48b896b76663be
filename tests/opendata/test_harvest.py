"""A real OAI-PMH harvester (Sickle) harvests the demo repository over HTTP."""

import importlib

import pytest
from django.core.management import call_command
from sickle import Sickle

from publications.models import Publication, PublicationType

pytestmark = pytest.mark.django_db(transaction=True)


def test_sickle_harvests_every_live_demo_item_through_resumption_tokens(
    live_server, settings
):
    # An earlier transactional test may have flushed the types migrations made.
    types = importlib.import_module("publications.migrations.0002_roles_and_types")
    for name, slug, kind in types.DEFAULT_TYPES:
        PublicationType.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind}
        )
    call_command("load_demo", verbosity=0)
    settings.FOLIO_OAI_PAGE_SIZE = 12
    withdrawn = Publication.objects.live().order_by("pk").first()
    withdrawn.status = Publication.Status.DRAFT
    withdrawn.save()
    sickle = Sickle(f"{live_server.url}/oai/", max_retries=0, timeout=30)

    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    identifiers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))

    live = list(Publication.objects.live().order_by("pk"))
    assert len(live) > 2 * settings.FOLIO_OAI_PAGE_SIZE  # several tokens
    full = [record for record in records if not record.header.deleted]
    assert [record.metadata["title"][0] for record in full] == [p.title for p in live]
    deleted = [record.header.identifier for record in records if record.deleted]
    assert deleted == [f"oai:127.0.0.1:publication/{withdrawn.pk}"]
    assert len(identifiers) == len(records)
    assert sickle.Identify().repositoryName == settings.FOLIO_SITE_NAME
