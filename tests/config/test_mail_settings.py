"""Where mail goes: the console, a folder, or SMTP in production."""

import json

from tests.subprocesses import production_env, run_python

SEND = """
import django
django.setup()
from django.core.mail import EmailMessage
EmailMessage("Waiting for review", "Body.", to=["erin@example.org"]).send()
"""

SHOW = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps(settings.MAILERS))
"""


def test_development_mail_is_printed_or_written_to_the_folder_named(tmp_path):
    printed = run_python(
        SEND, DJANGO_SETTINGS_MODULE="config.settings.local", FOLIO_EMAIL_FILE_PATH=""
    )
    written = run_python(
        SEND,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        FOLIO_EMAIL_FILE_PATH=str(tmp_path / "mail"),
    )

    assert printed.returncode == 0, printed.stderr[-2000:]
    assert "Subject: Waiting for review" in printed.stdout
    assert written.returncode == 0, written.stderr[-2000:]
    assert "Waiting for review" not in written.stdout
    (message,) = (tmp_path / "mail").iterdir()
    assert "Subject: Waiting for review" in message.read_text()


def test_production_mail_goes_through_the_smtp_server_configured():
    result = run_python(
        SHOW,
        **production_env(
            DJANGO_EMAIL_HOST="smtp.example.org",
            DJANGO_EMAIL_PORT="587",
            DJANGO_EMAIL_USE_TLS="true",
        ),
    )

    assert result.returncode == 0, result.stderr[-2000:]
    default = json.loads(result.stdout.strip().splitlines()[-1])["default"]
    assert default["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert default["OPTIONS"]["host"] == "smtp.example.org"
    assert default["OPTIONS"]["port"] == 587
    assert default["OPTIONS"]["use_tls"] is True
