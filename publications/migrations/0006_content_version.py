import time

from django.core.management.commands.createcachetable import (
    Command as CreateCacheTable,
)
from django.db import migrations, models

# The database cache every app server shares when no Redis is configured
# (config/settings/base.py); made here so that migrate is the only setup step.
CACHE_TABLE = "folio_cache"


def create_version_row(apps, schema_editor):
    ContentVersion = apps.get_model("publications", "ContentVersion")
    # Counted from the clock, so a new database never repeats the version of
    # entries an old one left in a shared cache.
    ContentVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"version": int(time.time() * 1000)}
    )


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0005_performance_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("version", models.BigIntegerField()),
                ("next_change_at", models.DateTimeField(null=True)),
            ],
            options={
                "verbose_name": "content version",
            },
        ),
        migrations.RunPython(create_version_row, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, drop_cache_table),
    ]
