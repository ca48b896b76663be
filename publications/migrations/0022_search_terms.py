import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# What follows runs on PostgreSQL only: SQLite searches its FTS5 table, and
# keeps this one empty. A vector is stored out of line when its row passes
# PostgreSQL's 2 KB toasting threshold (toast_tuple_target does not lower
# that threshold for new rows); shorter ones stay in the row. The key comes last: rows inserted under a deferred key
# would leave trigger events pending, which CREATE INDEX refuses.
FILL_TERMS = """
ALTER TABLE publications_searchterms SET (toast_tuple_target = 128);
ALTER TABLE publications_searchterms ALTER COLUMN vector SET STORAGE EXTERNAL;
INSERT INTO publications_searchterms (publication_id, vector)
    SELECT id, search_vector FROM publications_publication;
CREATE INDEX publications_searchterms_gin
    ON publications_searchterms USING gin (vector);
ALTER TABLE publications_searchterms
    ADD CONSTRAINT publications_searchterms_publication_fk
    FOREIGN KEY (publication_id) REFERENCES publications_publication (id)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX publications_publication_title_terms_gin
    ON publications_publication USING gin (ts_filter(search_vector_ranked, '{a}'));
"""
RESTORE_VECTORS = """
UPDATE publications_publication AS p SET search_vector = terms.vector
    FROM publications_searchterms AS terms WHERE terms.publication_id = p.id;
CREATE INDEX IF NOT EXISTS publications_publication_search_gin
    ON publications_publication USING gin (search_vector);
DROP INDEX IF EXISTS publications_publication_title_terms_gin;
"""


def fill_terms(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_TERMS)


def restore_vectors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE_VECTORS)


class Migration(migrations.Migration):

    dependencies = [
        ("publications", "0021_stored_cards"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerms",
            fields=[
                (
                    "publication",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_terms",
                        serialize=False,
                        to="publications.publication",
                    ),
                ),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(null=True),
                ),
            ],
            options={
                "db_table": "publications_searchterms",
            },
        ),
        # Reversed, this runs after the column is back (see RESTORE_VECTORS).
        migrations.RunPython(fill_terms, restore_vectors),
        migrations.RemoveField(model_name="publication", name="search_vector"),
    ]
