"""Run Folio code in a fresh interpreter, for settings that load at start-up."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def run_python(code, **env):
    """Run *code* in a new interpreter in the project folder with *env* added."""
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra):
    """Return the environment of a minimal production configuration."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x7-production-test-key-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "folio.example.org",
        "FOLIO_SITE_URL": "https://folio.example.org",
        **extra,
    }
