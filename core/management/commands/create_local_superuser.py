"""Create a local superuser, if none exists, and print its password once."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' with a generated password when the database "
        "has no superuser yet, and print the credentials once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            if options["verbosity"] >= 1:
                self.stdout.write(
                    "A superuser already exists; its password was printed when "
                    "it was created (reset it with: python manage.py "
                    "changepassword <username>)."
                )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "Created a superuser for this machine. Log in at /admin/ with\n"
                f"  username: {username}\n  password: {password}\n"
                "This password is shown only once."
            )
        )
