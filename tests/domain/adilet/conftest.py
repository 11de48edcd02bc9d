"""Shared fixtures for the Adilet parser tests: the real sample document."""

from __future__ import annotations

import pytest

from tests.conftest import shared_data

SAMPLE_NAME = "adilet/ukaz-2015-12-28-148-concept.txt"


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return shared_data(SAMPLE_NAME).read_bytes()
