"""Shared fixtures for the Adilet parser tests: the real sample document."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SAMPLE = REPO_ROOT.parent / "shared" / "data" / "adilet" / "ukaz-2015-12-28-148-concept.txt"


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    assert SAMPLE.exists(), f"the shared sample is missing: {SAMPLE}"
    return SAMPLE.read_bytes()
