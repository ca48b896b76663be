"""load_demo --dry-run on an empty site (apart from test_load_demo, whose
module loads the demo once for all its tests)."""

import io

import pytest
from django.core.management import call_command

from authors.models import Author
from publications.models import Publication

pytestmark = pytest.mark.django_db


def test_dry_run_writes_nothing(media_root):
    files = set(media_root.rglob("*"))
    out = io.StringIO()

    call_command("load_demo", "--dry-run", stdout=out, stderr=io.StringIO())

    assert "Dry run: would create 9 authors" in out.getvalue()
    assert Publication.objects.count() == 0
    assert Author.objects.count() == 0
    assert set(media_root.rglob("*")) == files
