"""Load the demo content: authors, series, reports and related publications.

Everything is keyed on slugs, so running the command again updates the items
in place and creates nothing twice. Publish dates are set when an item is
first created; the scheduled item is moved forward again once it has gone
live, so the demo always shows one. Images and PDFs are generated only for
items that have none yet; images get their renditions (core.renditions) once
the load commits, and images loaded before renditions existed get theirs too.
Every item gets a first version in its history, and one draft is left
waiting for review, submitted by a demo contributor (publications.demo_history).
"""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from authors.models import Author
from publications import demo_content, demo_history
from publications.demo_media import cover_jpeg, portrait_png, report_pdf
from publications.models import (
    Authorship,
    PinnedPublication,
    Publication,
    PublicationType,
    RelatedPublication,
    Report,
    Series,
    SummaryPoint,
)
from publications.states import State, Status


class Command(BaseCommand):
    help = (
        "Create or update Folio's demo content (authors, series, reports, related "
        "publications, generated images and PDFs). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change, then roll back; write no files.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        self.verbosity = verbosity
        self.dry_run = dry_run
        self.now = timezone.now().replace(minute=0, second=0, microsecond=0)
        self.created = {}
        with transaction.atomic():
            authors = {
                item["slug"]: self._load_author(item) for item in demo_content.AUTHORS
            }
            series = {
                item["slug"]: self._load_series(item) for item in demo_content.SERIES
            }
            publications = {}
            for item in demo_content.REPORTS:
                if not self._slug_taken(item, Publication.Kind.REPORT):
                    publications[item["slug"]] = self._load_report(
                        item, authors, series
                    )
            for item in demo_content.RELATED:
                if not self._slug_taken(item, Publication.Kind.RELATED):
                    publications[item["slug"]] = self._load_related(item, authors)
            for item in demo_content.REPORTS:
                if item["slug"] in publications:
                    self._load_pins(publications[item["slug"]], item, publications)
            self._load_history()
            if dry_run:
                transaction.set_rollback(True)
        if not dry_run:
            # New images got theirs on commit; these are for images loaded
            # before renditions were made.
            call_command("make_renditions", unsized=True, stdout=io.StringIO())
        if verbosity >= 1:
            summary = ", ".join(
                f"{count} {label}" for label, count in self.created.items() if count
            )
            prefix = "Dry run: would create" if dry_run else "Created"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{prefix} {summary}." if summary else "Demo content up to date."
                )
            )

    def _load_history(self):
        """Give every item a first version, and put the demo draft in review."""
        self.created["first versions"] = demo_history.record_first_versions()
        contributor = demo_history.demo_contributor()
        if contributor is None:
            self.stderr.write("No Contributors group: run migrate; nothing submitted.")
            return
        submitted = demo_history.submit_demo_item(contributor)
        self.created["submitted for review"] = int(submitted is not None)

    def _note(self, label, instance, created):
        self.created.setdefault(label, 0)
        self.created[label] += created
        if self.verbosity >= 2:
            action = "Created" if created else "Updated"
            self.stdout.write(f"{action} {label[:-1]}: {instance}")

    def _load_author(self, item):
        author, created = Author.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "given_names": item["given_names"],
                "family_name": item["family_name"],
                "position": item["position"],
                "affiliation": item["affiliation"],
                "website": item["website"],
                "bio": item["bio"],
                "photo_alt": f"Portrait of {item['name']}",
            },
        )
        if not author.photo and not self.dry_run:
            author.photo.save(
                f"{author.slug}.png",
                ContentFile(portrait_png(item["name"], item["color"])),
                save=True,
            )
        self._note("authors", author, created)
        return author

    def _load_series(self, item):
        series, created = Series.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "description": item["description"],
                "commissioned_by": item["commissioned_by"],
            },
        )
        self._note("series", series, created)
        return series

    def _publish_fields(self, item, existing):
        """Return status and publish_at, keeping the first run's dates."""
        state = item.get("status", State.LIVE)
        status = Status.DRAFT if state == State.DRAFT else Status.PUBLISHED
        if state == State.SCHEDULED:
            if existing and existing.publish_at > self.now:
                publish_at = existing.publish_at
            else:
                publish_at = self.now + timedelta(days=demo_content.SCHEDULED_IN_DAYS)
        elif existing:
            publish_at = existing.publish_at
        else:
            publish_at = self.now - timedelta(days=item.get("days_ago", 1))
        return {"status": status, "publish_at": publish_at}

    def _slug_taken(self, item, kind):
        """Return True, with a warning, when the other kind of item has the slug."""
        other = Publication.objects.filter(slug=item["slug"]).exclude(kind=kind)
        if other.exists():
            self.stderr.write(f"Skipped {item['slug']}: another item uses the slug.")
            return True
        return False

    def _load_report(self, item, authors, series):
        publication_type = PublicationType.objects.get(slug=item["type"])
        existing = Report.objects.filter(slug=item["slug"]).first()
        number = item["number"]
        taken = Publication.objects.filter(
            publication_type=publication_type, number=number
        ).exclude(slug=item["slug"])
        if taken.exists():
            self.stderr.write(
                f"{publication_type.name} No. {number} is taken; "
                f"{item['slug']} is loaded without a number."
            )
            number = None
        report, created = Report.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "publication_type": publication_type,
                "number": number,
                "teaser": item["teaser"],
                "about": item["about"],
                "body": item["body"],
                "series": series.get(item["series"]),
                "series_position": item["series_position"],
                "image_alt": f"Cover of {item['title']}",
                **self._publish_fields(item, existing),
            },
        )
        for position, text in enumerate(item["summary"]):
            SummaryPoint.objects.update_or_create(
                report=report, position=position, defaults={"text": text}
            )
        report.summary_points.filter(position__gte=len(item["summary"])).delete()
        self._attach(report, item, authors)
        if item["pdf"] and not report.pdf and not self.dry_run:
            report.pdf.save(f"{report.slug}.pdf", ContentFile(report_pdf(item, report)))
        self._note("reports", report, created)
        return report

    def _load_related(self, item, authors):
        existing = RelatedPublication.objects.filter(slug=item["slug"]).first()
        related, created = RelatedPublication.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "publication_type": PublicationType.objects.get(slug=item["type"]),
                "teaser": item["teaser"],
                "body": item.get("body", ""),
                "external_url": item.get("external_url", ""),
                "image_alt": f"Illustration for {item['title']}",
                **self._publish_fields(item, existing),
            },
        )
        self._attach(related, item, authors)
        self._note("related publications", related, created)
        return related

    def _attach(self, publication, item, authors):
        """Set the ordered authors, the tags and (once) the cover image."""
        for position, slug in enumerate(item["authors"]):
            Authorship.objects.update_or_create(
                publication=publication,
                author=authors[slug],
                defaults={"position": position},
            )
        publication.authorships.exclude(author__slug__in=item["authors"]).delete()
        publication.tags.set(item["tags"])
        if not publication.image and not self.dry_run:
            label = publication.publication_type.name
            if item.get("number"):
                label = f"{label} No. {item['number']}"
            # Assigned uncommitted, so that saving also makes the thumbnail.
            publication.image = ContentFile(
                cover_jpeg(item["title"], label, item["type"]),
                name=f"{publication.slug}.jpg",
            )
            publication.save()

    def _load_pins(self, source, item, publications):
        targets = [publications[slug] for slug in item["pins"] if slug in publications]
        for position, target in enumerate(targets):
            PinnedPublication.objects.update_or_create(
                source=source, target=target, defaults={"position": position}
            )
        source.pins.exclude(target__in=targets).delete()
