"""Serve the site with gunicorn and load it with wrk."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WRK_SCRIPT = BENCH / "wrk_summary.lua"
WRK_PATHS_SCRIPT = BENCH / "wrk_paths.lua"


class Server:
    """gunicorn serving bench.settings on *port*; stopped on exit, even on errors.

    It runs in a process group of its own, so that stopping it stops every
    worker too.
    """

    def __init__(self, *, port, workers, env, log_path, app="config.wsgi"):
        self.app = app
        self.port = port
        self.workers = workers
        self.env = env
        self.log_path = log_path
        self.process = None
        # The checkout served: another one (bench/mixed.py --compare) may be.
        self.root = ROOT
        self.ready_path = "/healthz" if app == "config.wsgi" else "/"

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--chdir",
            str(self.root),
        ]
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def _wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited early; see {self.log_path}:\n"
                    + Path(self.log_path).read_text()[-2000:]
                )
            try:
                if fetch(self.base_url + self.ready_path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# Built once: building an opener makes an SSL context, about 25 ms, which
# timed per request would swamp what the bench measures.
_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url):
    """Return (status, headers, body) of a GET to *url*, following no redirect."""
    try:
        with _OPENER.open(url, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def check(url):
    """Fetch *url* and fail unless it answers 200; return (headers, body)."""
    status, headers, body = fetch(url)
    if status != 200:
        raise RuntimeError(f"{url} answered {status}, not 200")
    return headers, body


def wrk(url, *, connections, seconds, threads=2, paths_file=None):
    """Load *url* with wrk; return requests/s, latency percentiles and errors.

    With *paths_file*, the paths it lists (one a line) are requested in
    turn on *url*'s server instead (wrk_paths.lua).
    """
    threads = min(threads, connections)
    script, env = WRK_SCRIPT, None
    if paths_file is not None:
        script = WRK_PATHS_SCRIPT
        env = {
            **os.environ,
            "WRK_PATHS": str(paths_file),
            "WRK_SUMMARY": str(WRK_SCRIPT),
        }
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
        env=env,
    )
    line = next(
        line for line in completed.stdout.splitlines() if line.startswith("WRK_JSON ")
    )
    figures = json.loads(line.removeprefix("WRK_JSON "))
    seconds_run = figures["duration_us"] / 1e6
    return {
        "requests": figures["requests"],
        "rps": round(figures["requests"] / seconds_run, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p90_ms": round(figures["p90_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
        "max_ms": round(figures["max_us"] / 1000, 2),
        "errors": sum(
            figures[kind] for kind in ("connect", "read", "write", "timeout")
        ),
        "non_2xx": figures["status"],
        "bytes_per_response": round(figures["bytes"] / max(figures["requests"], 1)),
    }
