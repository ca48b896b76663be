"""Servers the benches share: a process group stopped on exit, and varnishd.

varnishd runs deploy/varnish/folio.vcl with the site part written by
`manage.py write_varnish_site` for one app server, in a folder of its own,
in the foreground (-F) and its own process group, so stopping it by its PID
stops its child too.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parent.parent
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A server started in its own process group, stopped on exit."""

    def __init__(self, command, *, env=None, log_path):
        self.command, self.env, self.log_path = command, env, log_path
        self.process = None

    def __enter__(self):
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [str(part) for part in self.command],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def __exit__(self, *exc_info):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, 15)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if load.fetch(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


class Varnish:
    """varnishd with Folio's VCL in front of the app server at *backend*
    (host:port), listening on *port*; *env* is Django's, for manage.py."""

    def __init__(self, *, port, backend, env, log_path, memory="256m"):
        self.port, self.backend, self.env = port, backend, env
        self.log_path, self.memory = log_path, memory
        self.folder = None
        self.server = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="folio-bench-varnish-"))
        try:
            subprocess.run(
                [sys.executable, "manage.py", "write_varnish_site", "-v0"]
                + [f"--backend={self.backend}"]
                + [f"--output={self.folder}/folio-site.vcl"]
                + [f"--site-host=127.0.0.1:{self.port}"],
                cwd=ROOT,
                env=self.env,
                check=True,
            )
            command = [VARNISHD, "-F", "-j", "none", "-T", "none"]
            command += ["-n", self.folder / "varnish"]
            command += ["-a", f"127.0.0.1:{self.port}", "-s", f"malloc,{self.memory}"]
            command += ["-p", f"vcl_path={self.folder}:{ROOT / 'deploy' / 'varnish'}"]
            command += ["-f", ROOT / "deploy" / "varnish" / "folio.vcl"]
            self.server = Process(command, log_path=self.log_path).__enter__()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc_info):
        if self.server is not None:
            self.server.__exit__(*exc_info)
        shutil.rmtree(self.folder, ignore_errors=True)
