"""An S3-compatible server of the test run's own (moto), and clients of it.

The server keeps everything in memory and is stopped, by its process id,
when the session fixture that started it ends.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore import UNSIGNED
from botocore.config import Config

REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "folio-test", "AWS_SECRET_ACCESS_KEY": "secret"}
MOTO_SERVER = Path(sys.executable).with_name("moto_server")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """moto in server mode on a free port of 127.0.0.1."""

    def __init__(self):
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1)
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto_server did not start on port {self.port}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


@dataclass
class Bucket:
    """A bucket of the test server, and the FOLIO_STORAGE_URL naming it."""

    endpoint: str
    name: str
    prefix: str = "site"

    @property
    def url(self):
        return (
            f"s3://{self.name}/{self.prefix}?endpoint_url={self.endpoint}"
            f"&region_name={REGION}&addressing_style=path"
        )

    def client(self, *, anonymous=False):
        """Return a boto3 client: with the app's credentials, or with none."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=Config(signature_version=UNSIGNED) if anonymous else None,
        )

    def keys(self):
        """Return every key in the bucket."""
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=self.name)
        )
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def key(self, folder, name):
        """Return the key of file *name* of the "public" or "private" storage."""
        return f"{self.prefix}/{folder}/{name}"
