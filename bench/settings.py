"""Production settings plus the benchmark's minimal comparison view."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
