"""Seed the site benchmark's publications: realistic counts, text and skew.

The default shape is 100,000 publications (three in ten reports) by 2,000
authors, in 200 series, each with five of 500 topics. Topics, authors, series
and words are drawn from Zipf distributions, so a few topics are on half the
publications and most are on few, as on a real site. About 2% are drafts,
0.5% scheduled and 0.5% withdrawn; the rest are live. Rows go in with COPY on
PostgreSQL (executemany elsewhere); then search vectors are built in batches,
every live item's related items ranked and stored, and the planner
statistics refreshed.
"""

import csv
import io
import itertools
import random
import time
from datetime import timedelta

from bench import words

PREFIX = "site-"
SHAPE = {"authors": 2_000, "series": 200, "tags": 500, "tags_each": 5}
REPORT_SHARE = 0.3
SEED = 20261129
BATCH = 10_000
SEARCH_BATCH = 5_000
# One publication every few hours for 25 years.
YEARS = 25


def _zipf_weights(count, exponent):
    """Return the cumulative weights of ranks 1..count under Zipf's law."""
    return list(itertools.accumulate((rank + 1) ** -exponent for rank in range(count)))


def bench_publications():
    from publications.models import Publication

    return Publication.objects.filter(slug__startswith=PREFIX)


def existing_rows():
    """Return how many bench publications the database holds."""
    return bench_publications().count()


def reset(*, out):
    """Delete every bench row with plain SQL (no signals, no per-row work)."""
    from django.db import connection, transaction

    ids = "(SELECT id FROM publications_publication WHERE slug LIKE %s)"
    statements = [
        f"DELETE FROM publications_relateditem WHERE source_id IN {ids}"
        f" OR target_id IN {ids}",
        f"DELETE FROM publications_relatedlist WHERE publication_id IN {ids}",
        f"DELETE FROM publications_pinnedpublication WHERE source_id IN {ids}"
        f" OR target_id IN {ids}",
        f"DELETE FROM publications_taggedpublication WHERE content_object_id IN {ids}",
        f"DELETE FROM publications_authorship WHERE publication_id IN {ids}",
        f"DELETE FROM publications_summarypoint WHERE report_id IN {ids}",
        f"DELETE FROM publications_report WHERE publication_ptr_id IN {ids}",
        "DELETE FROM publications_relatedpublication"
        f" WHERE publication_ptr_id IN {ids}",
        "DELETE FROM publications_publication WHERE slug LIKE %s",
        "DELETE FROM authors_author WHERE slug LIKE %s",
        "DELETE FROM taggit_tag WHERE slug LIKE %s",
        "DELETE FROM publications_series WHERE slug LIKE %s",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [PREFIX + "%"] * sql.count("%s"))
    out.write("Removed the site bench rows.\n")


def seed(rows, *, out, reset_first=False):
    """Make the database hold exactly *rows* bench publications; return seconds."""
    existing = existing_rows()
    if existing == rows and not reset_first:
        return 0.0
    if existing:
        reset(out=out)
    started = time.perf_counter()
    _Seeder(rows, out=out).run()
    return time.perf_counter() - started


class _Seeder:
    def __init__(self, rows, *, out):
        from django.utils import timezone

        self.rows = rows
        self.out = out
        self.rng = random.Random(SEED)
        self.now = timezone.now().replace(microsecond=0)
        self.text = words.TextMaker(self.rng)

    def run(self):
        from django.db import connection, transaction

        with transaction.atomic():
            self.ids = {name: _next_id(model) for name, model in _models().items()}
            self._authors_tags_series()
            self._publications()
            _reset_sequences()
        self._log("Building search vectors")
        self._search_vectors()
        # As on a site whose items went live one by one, every live item's
        # related items are stored (the rows went in around the signals).
        from publications.derived.related import rank_all

        self._log(f"Ranked the related items of {rank_all():,} live items")
        # And their cards are stored, as the drain stores each changed item's.
        from publications.cards import store_missing_cards

        self._log(f"Stored the cards of {store_missing_cards():,} live items")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Vacuum too, so that index-only scans see all-visible pages.
                cursor.execute("VACUUM ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self._log(f"Seeded {bench_publications().count():,} publications")

    def _log(self, message):
        self.out.write(f"  {message}.\n")
        self.out.flush()

    def _authors_tags_series(self):
        from taggit.models import Tag

        from authors.models import Author
        from publications.models import Series

        now = self.now
        start = self.ids["author"]
        names = words.person_names(SHAPE["authors"])
        self.author_ids = list(range(start, start + len(names)))
        _insert(
            Author,
            (
                {
                    "id": pk,
                    "name": name,
                    "slug": f"{PREFIX}{words.slug(name)}-{pk}",
                    "position": self.text.position(),
                    "bio": self.text.paragraphs(1, 3, 70),
                    "created_at": now,
                    "updated_at": now,
                }
                for pk, name in zip(self.author_ids, names, strict=True)
            ),
        )
        start = self.ids["tag"]
        tag_names = words.topic_names(SHAPE["tags"])
        self.tag_ids = list(range(start, start + len(tag_names)))
        _insert(
            Tag,
            (
                {"id": pk, "name": name, "slug": f"{PREFIX}{words.slug(name)}"}
                for pk, name in zip(self.tag_ids, tag_names, strict=True)
            ),
        )
        start = self.ids["series"]
        titles = words.series_titles(SHAPE["series"])
        self.series_ids = list(range(start, start + len(titles)))
        _insert(
            Series,
            (
                {
                    "id": pk,
                    "title": title,
                    "slug": f"{PREFIX}{words.slug(title)}",
                    "description": self.text.paragraphs(1, 2, 60),
                    "created_at": now,
                    "updated_at": now,
                }
                for pk, title in zip(self.series_ids, titles, strict=True)
            ),
        )

    def _publications(self):
        from publications.models import PublicationType

        types = {
            kind: list(PublicationType.objects.filter(kind=kind).order_by("position"))
            for kind in ("report", "related")
        }
        if not types["report"] or not types["related"]:
            raise SystemExit("Run migrations first: the publication types are missing.")
        self.types = types
        self.numbers = {t.pk: _max_number(t) for t in types["report"]}
        self.series_positions = dict.fromkeys(self.series_ids, 0)
        self.tag_weights = _zipf_weights(len(self.tag_ids), 1.0)
        self.author_weights = _zipf_weights(len(self.author_ids), 0.5)
        self.series_weights = _zipf_weights(len(self.series_ids), 0.8)
        self.first_pk = self.ids["publication"]
        span = timedelta(days=365 * YEARS).total_seconds()
        # Oldest first, so that ids grow with the publish date, as they do.
        offsets = sorted(self.rng.uniform(0, span) for _ in range(self.rows))
        for start in range(0, self.rows, BATCH):
            self._batch(start, offsets[start : start + BATCH], span)
            self._log(f"{min(start + BATCH, self.rows):,} publications")

    def _batch(self, start, offsets, span):
        from publications.models import (
            Authorship,
            PinnedPublication,
            Publication,
            RelatedPublication,
            Report,
            SummaryPoint,
            TaggedPublication,
        )

        rng, text = self.rng, self.text
        tables = {
            model: []
            for model in (
                Publication,
                Report,
                RelatedPublication,
                SummaryPoint,
                Authorship,
                TaggedPublication,
                PinnedPublication,
            )
        }
        for index, offset in enumerate(offsets, start=start):
            pk = self.first_pk + index
            publish_at = self.now - timedelta(seconds=span - offset + 3600)
            is_report = rng.random() < REPORT_SHARE
            kind = "report" if is_report else "related"
            row = self._publication(pk, index, kind, publish_at)
            tables[Publication].append(row)
            if is_report:
                tables[Report].append(self._report(pk))
                tables[SummaryPoint].extend(
                    {"report_id": pk, "text": text.sentence(14, 30), "position": n}
                    for n in range(rng.randint(2, 5))
                )
            else:
                external = rng.random() < 0.1
                tables[RelatedPublication].append(
                    {
                        "publication_ptr_id": pk,
                        "body": "" if external else text.paragraphs(2, 5, 90),
                        "external_url": f"https://partner.example/{row['slug']}"
                        if external
                        else "",
                    }
                )
            authors = _distinct(rng, self.author_ids, self.author_weights, _pick(rng))
            tables[Authorship].extend(
                {"publication_id": pk, "author_id": author, "position": n}
                for n, author in enumerate(authors)
            )
            tags = _distinct(rng, self.tag_ids, self.tag_weights, SHAPE["tags_each"])
            tables[TaggedPublication].extend(
                {"content_object_id": pk, "tag_id": tag} for tag in tags
            )
            if index > 10 and rng.random() < 0.01:
                targets = rng.sample(range(self.first_pk, pk), 2)
                tables[PinnedPublication].extend(
                    {"source_id": pk, "target_id": target, "position": n}
                    for n, target in enumerate(targets)
                )
        for model, rows in tables.items():
            _insert(model, rows)

    def _publication(self, pk, index, kind, publish_at):
        rng, text = self.rng, self.text
        draw = rng.random()
        status = "draft" if draw < 0.02 else "published"
        unpublish_at = None
        if 0.02 <= draw < 0.025:
            publish_at = self.now + timedelta(days=rng.uniform(0.1, 30))
        elif 0.025 <= draw < 0.03:
            unpublish_at = publish_at + timedelta(days=rng.uniform(1, 30))
            unpublish_at = min(unpublish_at, self.now - timedelta(hours=1))
            if unpublish_at <= publish_at:
                unpublish_at = None
        publication_type = rng.choice(self.types[kind])
        number = None
        if kind == "report":
            self.numbers[publication_type.pk] += 1
            number = self.numbers[publication_type.pk]
        title = text.title()
        return {
            "id": pk,
            "kind": kind,
            "publication_type_id": publication_type.pk,
            "number": number,
            "title": title,
            "slug": f"{PREFIX}{words.slug(title)[:120]}-{index}",
            "teaser": text.sentence(40, 75)[:600],
            "status": status,
            "publish_at": publish_at,
            "unpublish_at": unpublish_at,
            "version": 1,
            "created_at": publish_at,
            "updated_at": publish_at,
        }

    def _report(self, pk):
        rng, text = self.rng, self.text
        series_id = position = None
        if rng.random() < 0.4:
            (series_id,) = rng.choices(self.series_ids, cum_weights=self.series_weights)
            self.series_positions[series_id] += 1
            position = self.series_positions[series_id]
        return {
            "publication_ptr_id": pk,
            "about": text.paragraphs(1, 2, 70),
            "body": text.paragraphs(6, 12, 110, headings=True),
            "series_id": series_id,
            "series_position": position,
            # No file behind it: the page and feed take the missing-file path.
            "pdf": f"pdfs/bench/{pk}.pdf" if rng.random() < 0.8 else "",
            "pdf_text": "",
        }

    def _search_vectors(self):
        from django.db import transaction

        from publications.search import update_search_index

        ids = list(bench_publications().order_by("pk").values_list("pk", flat=True))
        for batch in itertools.batched(ids, SEARCH_BATCH):
            with transaction.atomic():
                update_search_index(batch)


def _pick(rng):
    """Return how many authors a publication has: mostly one or two."""
    return rng.choices((1, 2, 3, 4), weights=(50, 32, 13, 5))[0]


def _distinct(rng, population, cum_weights, count):
    chosen = []
    while len(chosen) < count:
        for item in rng.choices(population, cum_weights=cum_weights, k=count * 2):
            if item not in chosen:
                chosen.append(item)
                if len(chosen) == count:
                    break
    return chosen


def _models():
    from taggit.models import Tag

    from authors.models import Author
    from publications.models import Publication, Series

    return {
        "author": Author,
        "tag": Tag,
        "series": Series,
        "publication": Publication,
    }


def _next_id(model):
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _max_number(publication_type):
    from django.db.models import Max

    from publications.models import Publication

    numbers = Publication.objects.filter(publication_type=publication_type)
    return numbers.aggregate(top=Max("number"))["top"] or 0


def _reset_sequences():
    from django.core.management.color import no_style
    from django.db import connection

    from publications.models import (
        Authorship,
        PinnedPublication,
        SummaryPoint,
        TaggedPublication,
    )

    models = [
        *_models().values(),
        Authorship,
        PinnedPublication,
        SummaryPoint,
        TaggedPublication,
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _insert(model, rows):
    """Insert *rows* (dicts by column) into *model*'s table, defaults elsewhere."""
    from django.db import connection

    rows = list(rows)
    if not rows:
        return
    fields = [
        field
        for field in model._meta.local_concrete_fields
        # Without an id the database numbers the rows.
        if field.column in rows[0] or not field.primary_key
    ]
    values = [
        [
            field.get_db_prep_save(
                row[field.column] if field.column in row else field.get_default(),
                connection,
            )
            for field in fields
        ]
        for row in rows
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if connection.vendor == "postgresql" and hasattr(raw, "copy_expert"):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in values:
                writer.writerow([r"\N" if value is None else value for value in row])
            buffer.seek(0)
            raw.copy_expert(
                f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values
            )
