"""Security headers on every response with production settings."""

import json

import pytest

from tests.subprocesses import production_env, run_python

FETCH_HEADERS = """
import json
import django
django.setup()
from django.db import connection
from django.test import Client

connection.creation.create_test_db(verbosity=0)
client = Client(raise_request_exception=False)
out = {}
for path in ("/", "/admin/login/", "/healthz", "/no-such-page/"):
    response = client.get(path, secure=True, headers={"host": "folio.example.org"})
    out[path] = {"status": response.status_code, **dict(response.headers)}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def production_headers(tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "headers.sqlite3"
    result = run_python(
        FETCH_HEADERS,
        **production_env(DATABASE_URL=f"sqlite:///{database}"),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/healthz", "/no-such-page/"])
def test_every_response_carries_the_security_headers(production_headers, path):
    headers = production_headers[path]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_content_security_policy_forbids_inline_and_foreign_scripts(
    production_headers, path
):
    policy = production_headers[path]["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split("; ") if part
    )
    script_sources = directives["script-src"]
    assert "'unsafe-inline'" not in script_sources
    assert "'unsafe-eval'" not in script_sources
    assert set(script_sources) - {"'self'"} <= {
        s for s in script_sources if s.startswith("'nonce-")
    }
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_plain_http_is_redirected_to_https():
    result = run_python(
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', headers={'host': 'folio.example.org'});"
        "print(r.status_code, r['Location'])",
        **production_env(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["301", "https://folio.example.org/healthz"]
