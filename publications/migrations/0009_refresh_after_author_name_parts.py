"""Move the content version on once authors have name parts.

authors.0002 fills the parts with a bulk update, which no save signal
follows, and cards and pages rendered before it show the old citations
and dates; with a new version none of them counts any longer.
"""

from django.db import migrations
from django.db.models import F


def move_version_on(apps, schema_editor):
    ContentVersion = apps.get_model("publications", "ContentVersion")
    # No row yet means nothing cached yet: the first request makes one.
    ContentVersion.objects.filter(pk=1).update(version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0002_author_name_parts"),
        ("publications", "0008_review_status_and_events"),
    ]

    operations = [migrations.RunPython(move_version_on, migrations.RunPython.noop)]
