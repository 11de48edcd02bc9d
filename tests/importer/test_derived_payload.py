"""Derived editions in a ledger payload (no database): the compact form expands back to the same edition."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.domain.derived import compact, expand


def _unit(i: int, known: bool = True) -> dict[str, object]:
    return {"eid": f"point_{i}", "wid": f"point_{i}", "kind": "point", "num": str(i),
            "heading": f"H{i}" if known else None, "sha256": f"{i:064x}" if known else None, "text_available": known}


def _edition(units: list[dict[str, object]]) -> dict[str, object]:
    return {"op": "add_edition", "act_id": "A", "valid_from": "2020-01-01", "source_acts": [], "note": None,
            "text_completeness": "partial", "expressions": {"ru": {"units": units}, "kk": {"units": units}}}


@given(st.lists(st.sampled_from(["kept", "unknown", "absent"]), min_size=1, max_size=60))
def test_compact_expands_to_the_same_edition(fates: list[str]) -> None:
    base = _edition([_unit(i) for i in range(len(fates))])
    derived = _edition([_unit(i, fate == "kept") for i, fate in enumerate(fates) if fate != "absent"])
    short = compact(derived, base, 7)
    if short is None:  # not shorter: written out in full
        return
    assert "expressions" not in short and short["derived_from"]["fact"] == 7
    assert expand(short, base) == derived


def test_a_large_edition_with_few_gaps_is_written_compactly() -> None:
    base = _edition([_unit(i) for i in range(200)])
    derived = _edition([_unit(i, i != 5) for i in range(200) if i != 9])
    short = compact(derived, base, 0)
    assert short is not None and short["derived_from"]["absent"] == {"ru": ["point_9"], "kk": ["point_9"]}
    assert short["derived_from"]["unknown"]["ru"] == ["point_5"]
    assert compact({**derived, "expressions": {"en": {"units": []}}}, base, 0) is None  # not derived from base
