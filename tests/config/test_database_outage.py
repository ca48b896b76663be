"""A database outage gives 503 pages quickly, and the site recovers by itself."""

import json
import socket

import pytest
from django.db import connection

from tests.subprocesses import run_python

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="an outage of a database server needs PostgreSQL (CI runs it)",
    ),
]

# A TCP relay in front of PostgreSQL that the script closes, stalls and
# reopens, while one Django process keeps answering requests.
OUTAGE_SCRIPT = """
import json, socket, threading, time
import django
django.setup()
from django.test import Client

listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", PORT))
mode = {"value": "refuse"}

def pipe(source, target):
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        source.close()
        target.close()

def serve():
    listener.listen(16)
    while True:
        client, _ = listener.accept()
        if mode["value"] == "stall":
            continue  # accept, then never answer
        upstream = socket.create_connection(("127.0.0.1", 5432))
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()

client = Client(raise_request_exception=False)
results = {}

def visit(label):
    started = time.monotonic()
    page = client.get("/publications/")
    health = client.get("/healthz")
    results[label] = {
        "page": page.status_code,
        "health": health.status_code,
        "health_body": health.json(),
        "body": page.content.decode()[:2000],
        "seconds": round(time.monotonic() - started, 2),
    }

visit("refused")  # nothing listens yet
threading.Thread(target=serve, daemon=True).start()
mode["value"] = "stall"
visit("stalled")
mode["value"] = "relay"
visit("recovered")
print(json.dumps(results))
"""


def test_outage_answers_503_within_the_connect_timeout_and_recovers():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    name = connection.settings_dict["NAME"]
    result = run_python(
        OUTAGE_SCRIPT.replace("PORT", str(port)),
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/{name}",
        DJANGO_DB_CONNECT_TIMEOUT="2",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(result.stdout.strip().splitlines()[-1])

    for label in ("refused", "stalled"):
        outage = results[label]
        assert outage["page"] == 503, label
        assert "briefly unavailable" in outage["body"]
        assert "Traceback" not in outage["body"]
        assert outage["health"] == 503
        assert outage["health_body"]["database"] == "unavailable"
    # Two requests, each bounded by the 2-second connect timeout, not a hang.
    assert results["stalled"]["seconds"] < 10

    recovered = results["recovered"]
    assert recovered["page"] == 200
    assert recovered["health"] == 200
    assert recovered["health_body"] == {"status": "ok", "database": "ok"}
