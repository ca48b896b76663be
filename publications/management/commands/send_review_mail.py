"""Send the review notifications still owed (a mail server was down).

Each review step mails right after it commits; this sends what could not
be sent then. Run it every few minutes from cron.
"""

from django.core.management.base import BaseCommand

from publications.review_mail import owed_review_mail, send_review_mail


class Command(BaseCommand):
    help = "Send the review notifications that could not be sent when due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many notifications are owed; send nothing.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        owed = list(owed_review_mail().values_list("pk", flat=True))
        if dry_run:
            self.stdout.write(f"{len(owed)} review notifications owed.")
            return
        sent = sum(send_review_mail(pk) for pk in owed)
        if verbosity >= 1:
            self.stdout.write(f"Sent {sent} of {len(owed)} owed review notifications.")
