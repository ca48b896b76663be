import pytest

from tests.opendata.oai_checks import assert_valid_oai


@pytest.fixture
def oai(client):
    """Return a function asking /oai/; it checks the response is valid XML."""

    def ask(method="get", **arguments):
        response = getattr(client, method)("/oai/", arguments)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        return assert_valid_oai(response.content)

    return ask
