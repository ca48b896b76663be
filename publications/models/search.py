"""The SQLite full-text index, for queries that join it (publications.search)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Lookup

from publications.models.publication import Publication


class FullTextField(models.TextField):
    """FTS5's hidden column named after its table: ``match`` searches every column."""


@FullTextField.register_lookup
class Match(Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class SearchDocument(models.Model):
    """A publication's row in the FTS5 table publications_search.

    The table exists on SQLite only, made by a migration (Django cannot
    create virtual tables) and written by publications.search.sqlite.
    PostgreSQL keeps SearchTerms instead and never reads this.
    """

    publication = models.OneToOneField(
        Publication,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_document",
    )
    document = FullTextField(db_column="publications_search")

    class Meta:
        managed = False
        db_table = "publications_search"

    def __str__(self):
        return str(self.publication_id)


class SearchTerms(models.Model):
    """A publication's whole search vector (PostgreSQL), alone on a narrow row.

    Every match of a search is read from here: a common word matches a third
    of all items, and finding them on the publications' own rows visits
    most of that wide table (16,000 pages, 65 ms at 100,000 items), here
    about 1,400 pages (12 ms). The vector itself is stored out of line.
    Written on PostgreSQL only (SQLite keeps it empty), where a migration
    adds a foreign key that deletes the row with its publication. Rows of
    any state are kept, so a reader of matches keeps only live ones.
    """

    publication = models.OneToOneField(
        Publication,
        primary_key=True,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_terms",
    )
    vector = SearchVectorField(null=True)

    class Meta:
        db_table = "publications_searchterms"

    def __str__(self):
        return str(self.publication_id)
