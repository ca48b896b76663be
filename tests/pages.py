"""Helpers for tests that read public pages through the test client."""


def html(response):
    """Return the body of *response* as text."""
    return response.content.decode()
