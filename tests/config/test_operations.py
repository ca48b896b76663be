"""Health check, error pages and production settings."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.subprocesses import production_env, run_python


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_database_refuses_connections():
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json(), "
        "'cache': r['Cache-Control']}))"
    )
    result = run_python(
        code,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/folio_closed_port",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"] == {"status": "error", "database": "unavailable"}
    assert "no-cache" in answer["cache"]


@pytest.mark.django_db
def test_unknown_page_renders_branded_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Traceback" not in response.content


def test_500_page_is_plain_and_branded(client, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "Traceback" not in html


def test_production_settings_pass_check_deploy():
    result = run_python(
        "import django, sys; from django.core.management import call_command;"
        "django.setup(); call_command('check', deploy=True, fail_level='WARNING')",
        **production_env(),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "FOLIO_SITE_URL"]
)
def test_production_settings_refuse_to_start_without(missing):
    result = run_python(
        "import django; django.setup()", **production_env(**{missing: ""})
    )
    assert result.returncode != 0
    assert missing in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "address",
    [
        "folio.example.org",
        "ftp://folio.example.org",
        "https://",
        "https://folio.example.org?x=1",
        "https://user:secret@folio.example.org",
        "https://folio.example.org:99999",
        "https://folio example.org",
    ],
)
def test_production_settings_refuse_a_site_url_that_is_not_http(address):
    result = run_python(
        "import django; django.setup()", **production_env(FOLIO_SITE_URL=address)
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "FOLIO_SITE_URL must be an http or https address" in last_line


def test_production_feeds_link_to_the_site_url_not_the_request_host():
    code = (
        "import django, re; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from django.test import Client;"
        "r = Client().get('/feeds/publications/',"
        " headers={'host': 'folio.example.org:6666', 'x-forwarded-proto': 'https'});"
        "print(r.status_code, *re.findall(r'https?://[^<\"]+', r.content.decode()))"
    )
    result = run_python(
        code,
        **production_env(
            FOLIO_SITE_URL="https://www.example.org/", DATABASE_URL="sqlite://"
        ),
    )
    assert result.returncode == 0, result.stderr
    status, *links = result.stdout.split()
    assert status == "200"
    assert "https://www.example.org/feeds/publications/" in links
    assert "https://www.example.org/publications/" in links
    assert not [link for link in links if "folio.example.org" in link]


def test_production_serves_static_files_through_whitenoise(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('collectstatic', interactive=False, verbosity=0);"
        "from django.test import Client;"
        "from django.templatetags.static import static;"
        "url = static('css/folio.css');"
        "r = Client().get(url, secure=True, headers={'host': 'folio.example.org'});"
        "print(url, r.status_code, r.get('Cache-Control', ''))"
    )
    result = run_python(code, **production_env(DJANGO_STATIC_ROOT=str(tmp_path)))
    assert result.returncode == 0, result.stderr
    url, status, cache_control = result.stdout.split()[:3]
    # Manifest storage gives a hashed name, which whitenoise caches for long.
    assert url.startswith("/static/css/folio.") and url != "/static/css/folio.css"
    assert status == "200"
    assert "max-age" in cache_control


@pytest.mark.django_db
def test_create_local_superuser_prints_password_once(capsys):
    from django.contrib.auth import get_user_model

    call_command("create_local_superuser")
    first = capsys.readouterr().out
    assert "username: admin" in first
    password = first.split("password: ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)

    call_command("create_local_superuser")
    second = capsys.readouterr().out
    assert "password:" not in second
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_public_page_answers_503_with_branded_page_when_database_is_down():
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(raise_request_exception=False).get('/');"
        "print(json.dumps({'status': r.status_code, 'retry': r.get('Retry-After'),"
        "'body': r.content.decode()}))"
    )
    result = run_python(
        code,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/folio_closed_port",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["retry"] == "30"
    assert "briefly unavailable" in answer["body"]
    assert "Traceback" not in answer["body"]
