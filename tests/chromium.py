"""Launching Debian's Chromium through Playwright, shared by the browser tests."""

import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def missing_browser():
    """Return why browser tests cannot run here, or None."""
    if not os.path.exists(CHROMIUM):
        return (
            f"browser tests skipped: no Chromium at {CHROMIUM} "
            "(install Debian's chromium package)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return (
            "browser tests skipped: Playwright for Python is not installed "
            '(pip install -e ".[dev]")'
        )
    return None


@contextlib.contextmanager
def launched_chromium():
    """Yield a headless Chromium; the caller skips first if it is missing."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which
    # Django takes for an async context; the database calls stay synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """Start Chromium once for the package whose conftest imports this fixture.

    Package scope stops it before other packages' tests run.
    """
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    with launched_chromium() as chromium:
        yield chromium
