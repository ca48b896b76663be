import django.contrib.postgres.search
from django.db import migrations


def rebuild_vectors(apps, schema_editor):
    # Both vectors, with topic names (0012 left them to this migration).
    # SQLite keeps its own full-text table and never reads either.
    from publications.search import rebuild_search_index

    if schema_editor.connection.vendor == "postgresql":
        rebuild_search_index()


class Migration(migrations.Migration):

    dependencies = [
        ("publications", "0019_related_list_inputs"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="search_vector_ranked",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(rebuild_vectors, migrations.RunPython.noop),
    ]
