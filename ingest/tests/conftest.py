"""Fixtures of the ingest tests."""

import pytest


@pytest.fixture
def picture_server(httpserver, settings):
    """A partner's server on loopback (pytest-httpserver) that the safe fetcher may reach,
    with partner pictures turned on: the test settings allow neither (issue #14)."""
    settings.INGEST_FETCH_IMAGES = True
    settings.INGEST_FETCH_ALLOWED_ADDRESSES = ["127.0.0.1/32"]
    settings.INGEST_FETCH_ALLOWED_PORTS = [80, 443, httpserver.port]
    return httpserver
