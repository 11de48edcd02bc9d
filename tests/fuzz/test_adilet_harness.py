"""The fuzz harness itself (without atheris): its seeds parse, and it tells a refusal from a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.adilet import AdiletParseError
from tests.fuzz import adilet


def test_every_seed_is_imported_or_refused() -> None:
    outcomes = [adilet.check_one(seed) for seed in adilet.seeds()]
    assert set(outcomes) <= {"imported", "refused"}
    if adilet.SHARED.is_dir():
        assert "imported" in outcomes  # the real document goes in


@given(st.binary(max_size=2000))
def test_random_bytes_are_imported_or_refused(data: bytes) -> None:
    assert adilet.check_one(data) in ("imported", "refused")


def test_a_crash_is_not_taken_for_a_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    import service.domain.adilet as parser

    def crash(*args: object, **kwargs: object) -> None:
        raise MemoryError("a crash")

    monkeypatch.setattr(parser, "parse_document", crash)
    with pytest.raises(MemoryError):
        adilet.check_one(b"\x01x")

    def internal(*args: object, **kwargs: object) -> None:
        raise AdiletParseError("unreadable document (IndexError: list index out of range)")

    monkeypatch.setattr(parser, "parse_document", internal)
    assert adilet.check_one(b"\x01x") == "refused"
    with pytest.raises(adilet.InternalRefusal):
        adilet.check_one(b"\x01x", strict=True)
