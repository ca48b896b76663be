import django.contrib.postgres.search
from django.db import migrations


# Both vectors, with topic names (0012 left them to this migration), as
# publications.search.postgresql wrote them until 0022 moved the whole
# vector to a table of its own.
_UPDATE_SQL = """
UPDATE publications_publication AS p
SET (search_vector, search_vector_ranked) = (
    SELECT built.vector, ts_filter(built.vector, '{{a,b}}') FROM (SELECT
    setweight(to_tsvector(%(config)s, coalesce(p.title, '')), 'A')
    || setweight(to_tsvector(%(config)s, coalesce(p.teaser, '') || ' ' || coalesce((
        SELECT string_agg(a.name, ' ')
        FROM publications_authorship pa
        JOIN authors_author a ON a.id = pa.author_id
        WHERE pa.publication_id = p.id), '') || ' ' || coalesce((
        SELECT string_agg(t.name, ' ')
        FROM publications_taggedpublication tp
        JOIN taggit_tag t ON t.id = tp.tag_id
        WHERE tp.content_object_id = p.id), '')), 'B')
    || setweight(to_tsvector(%(config)s, coalesce((
        SELECT string_agg(sp.text, ' ')
        FROM publications_summarypoint sp WHERE sp.report_id = p.id), '')
        || ' ' || regexp_replace(
            coalesce(r.about, '') || ' ' || coalesce(r.body, '') || ' '
            || coalesce(rp.body, ''), '<[^>]+>', ' ', 'g')), 'C')
    || setweight(to_tsvector(%(config)s, coalesce(r.pdf_text, '')), 'D')
    AS vector) AS built)
FROM publications_publication AS base
LEFT JOIN publications_report AS r ON r.publication_ptr_id = base.id
LEFT JOIN publications_relatedpublication AS rp ON rp.publication_ptr_id = base.id
WHERE base.id = p.id {condition}
"""


def rebuild_vectors(apps, schema_editor):
    # SQLite keeps its own full-text table and never reads either.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(_UPDATE_SQL.format(condition=""), {"config": "english"})


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
