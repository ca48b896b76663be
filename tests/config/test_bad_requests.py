"""Request data Django refuses to parse is a 400 with the site's page, DEBUG or not."""

import json
import logging

import pytest
from django.test import Client, override_settings

from tests.factories import make_report
from tests.subprocesses import run_python

pytestmark = pytest.mark.django_db

# More than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000).
TOO_MANY_FIELDS = "&".join(["topic=water"] * 1200)
PAGES = ("/publications/", "/authors/", "/topics/water/")


@pytest.fixture
def site():
    make_report(title="Water report", tags=["Water"])


def _get(path, query, **headers):
    client = Client(raise_request_exception=False)
    try:
        return client.get(f"{path}?{query}", headers=headers)
    except Exception:  # noqa: BLE001 - a server answers 500 to what escapes Django
        return None


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("path", PAGES)
def test_too_many_query_parameters_are_a_400_with_the_site_page(site, path, debug):
    with override_settings(DEBUG=debug):
        response = _get(path, TOO_MANY_FIELDS)

    assert response is not None, "the request ended in a server error"
    assert response.status_code == 400
    content = response.content.decode()
    assert "Error 400" in content
    assert "Folio Institute" in content
    assert "Traceback" not in content


@override_settings(DEBUG=True)
def test_another_error_raised_with_such_a_query_string_is_not_a_server_error(site):
    response = _get("/publications/", TOO_MANY_FIELDS, host="unknown.example")

    assert response is not None, "the request ended in a server error"
    assert response.status_code == 400


@override_settings(DEBUG=True)
def test_the_400_page_carries_the_security_headers(site):
    response = _get("/publications/", TOO_MANY_FIELDS)

    assert response.status_code == 400
    assert response["X-Frame-Options"] == "DENY"
    assert "script-src" in response["Content-Security-Policy"]


@override_settings(DEBUG=True)
def test_too_many_form_fields_in_a_post_are_a_400_with_the_site_page(client):
    data = {f"field{number}": "x" for number in range(1200)}

    response = Client(raise_request_exception=False).post("/admin/login/", data)

    assert response.status_code == 400
    assert "Error 400" in response.content.decode()


def test_a_refused_query_string_is_logged_once_without_a_traceback(site, caplog):
    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = _get("/publications/", TOO_MANY_FIELDS)

    assert response.status_code == 400
    records = [r for r in caplog.records if r.name.startswith("django.security")]
    assert [r.name for r in records] == ["django.security.TooManyFieldsSent"]
    assert records[0].exc_info is None


def test_normal_query_strings_still_reach_the_page(site):
    response = _get("/publications/", "topic=water&page=1")

    assert response.status_code == 200
    assert "Water report" in response.content.decode()


LOCAL_SERVER = """
import json
import django
django.setup()
from django.db import connection
from django.test import Client

connection.creation.create_test_db(verbosity=0)
client = Client(raise_request_exception=False)
query = "&".join(["topic=water"] * 1200)
out = {}
for path in %(paths)r:
    try:
        response = client.get(path + "?" + query, headers={"host": "127.0.0.1"})
        out[path] = [response.status_code, response.content.decode()]
    except Exception as error:
        out[path] = [500, repr(error)]
print(json.dumps(out))
"""


def test_the_development_settings_answer_too_many_parameters_with_a_400(tmp_path):
    result = run_python(
        LOCAL_SERVER % {"paths": PAGES},
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'local.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr[-2000:]
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert {path: status for path, (status, _) in answers.items()} == dict.fromkeys(
        PAGES, 400
    )
    assert all("Error 400" in content for _, content in answers.values())
