"""wIds across editions. Within one document the parser names a unit by its eId (the Russian twin's, for a
Kazakh unit). Against what the store already holds for the act, a unit keeps the wId of the recorded unit
with the same eId; a unit whose eId is new but whose words are exactly those of a recorded unit left
without a match (a provision renumbered) takes that unit's wId. Everything else is new and keeps its own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from service.domain.adilet.model import Expression
from service.domain.model import Unit
from service.domain.texts import normalise_text, text_sha256


def _sha(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    return text_sha256(normalise_text(text))


def _reference_first(expressions: Sequence[Expression]) -> list[Expression]:
    return sorted(expressions, key=lambda e: e.language != "ru")


def _renumbered(expression: Expression, stored: Sequence[Unit], matched: set[str]) -> dict[str, str]:
    """Units with a new eId whose words equal those of exactly one recorded unit that found no match."""
    stored_eids = {u.eid for u in stored}
    left = [u for u in stored if u.wid not in matched and u.sha256 and u.eid not in {x.eid for x in expression.units}]
    shas = Counter(u.sha256 for u in left)
    by_sha = {u.sha256: u.wid for u in left if shas[u.sha256] == 1}
    fresh = [(u, _sha(u.text)) for u in expression.units if u.eid not in stored_eids]
    counts = Counter(sha for _, sha in fresh if sha)
    return {u.wid: by_sha[sha] for u, sha in fresh if sha and counts[sha] == 1 and sha in by_sha}


def derive_wids(expressions: Sequence[Expression], stored: Mapping[str, Sequence[Unit]]) -> dict[str, str]:
    """The store's wId for each parser wId that names a unit the store already knows."""
    mapping: dict[str, str] = {}
    for expression in _reference_first(expressions):
        recorded = stored.get(expression.language, ())
        by_eid = {u.eid: u.wid for u in recorded}
        for unit in expression.units:
            if unit.wid not in mapping and unit.eid in by_eid:
                mapping[unit.wid] = by_eid[unit.eid]
        for parser_wid, wid in _renumbered(expression, recorded, set(mapping.values())).items():
            mapping.setdefault(parser_wid, wid)
    # A new unit must not take the wId of a recorded unit it is not: it would continue that unit's history.
    taken = set(mapping.values()) | {u.wid for units in stored.values() for u in units}
    for expression in expressions:
        for unit in expression.units:
            if unit.wid not in mapping and unit.wid in taken:
                mapping[unit.wid] = _free(unit.wid, taken)
                taken.add(mapping[unit.wid])
    return {k: v for k, v in mapping.items() if k != v}


def _free(wid: str, taken: set[str]) -> str:
    """A wId not taken, still AKN-shaped: `point_3` → `point_3-2`, `preamble` → `preamble_2`."""
    joint = "-" if "_" in wid.rsplit("__", 1)[-1] else "_"
    n = 2
    while f"{wid}{joint}{n}" in taken:
        n += 1
    return f"{wid}{joint}{n}"
