"""Kazakh and Russian twins of a unit share one wId. Parallel texts have the same structure, so the
children of twin units are aligned by kind and number, level by level; the reference language's (Russian)
wId names the pair. Aligning level by level keeps the work proportional to the document's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from difflib import SequenceMatcher

from .model import Expression, Unit

Key = tuple[str, str | None]


def _key(unit: Unit) -> Key:
    return unit.kind, None if unit.kind == "paragraph" else unit.num


def _children(units: tuple[Unit, ...]) -> dict[str | None, list[Unit]]:
    grouped: dict[str | None, list[Unit]] = defaultdict(list)
    for unit in units:
        grouped[unit.parent].append(unit)
    return grouped


def _matches(a: list[Unit], b: list[Unit]) -> list[tuple[Unit, Unit]]:
    """Twin pairs among two lists of siblings: common head and tail first, the middle by difflib."""
    keys_a, keys_b = [_key(u) for u in a], [_key(u) for u in b]
    if keys_a == keys_b:
        return list(zip(a, b, strict=True))
    head = 0
    while head < min(len(a), len(b)) and keys_a[head] == keys_b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and keys_a[-1 - tail] == keys_b[-1 - tail]:
        tail += 1
    pairs = list(zip(a[:head], b[:head], strict=True))
    middle_a, middle_b = keys_a[head : len(a) - tail], keys_b[head : len(b) - tail]
    matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
    for block in matcher.get_matching_blocks():
        pairs += [(a[head + block.a + k], b[head + block.b + k]) for k in range(block.size)]
    pairs += list(zip(a[len(a) - tail :], b[len(b) - tail :], strict=True))
    return pairs


def _twins(other: tuple[Unit, ...], reference: tuple[Unit, ...]) -> dict[str, str]:
    """eId in `other` → wId of its twin in `reference`."""
    other_children, reference_children = _children(other), _children(reference)
    wids: dict[str, str] = {}
    pending: list[tuple[str | None, str | None]] = [(None, None)]
    while pending:
        a, b = pending.pop()
        for x, y in _matches(other_children.get(a, []), reference_children.get(b, [])):
            wids[x.eid] = y.wid
            pending.append((x.eid, y.eid))
    return wids


def pair(expressions: tuple[Expression, ...]) -> tuple[tuple[Expression, ...], tuple[str, ...]]:
    """The expressions with twin units given the same wId, and warnings for units without a twin."""
    if len(expressions) != 2:
        return expressions, ()
    reference = next((e for e in expressions if e.language == "ru"), expressions[0])
    other = expressions[1] if reference is expressions[0] else expressions[0]
    if [u.eid for u in other.units] == [u.eid for u in reference.units]:
        return expressions, ()
    wids = _twins(other.units, reference.units)
    taken = set(wids.values())
    warnings: list[str] = []
    for unit in other.units:
        if unit.eid not in wids:
            wids[unit.eid] = unit.eid if unit.eid not in taken else f"{unit.eid}-{other.language}"
            warnings.append(f"line {unit.line}: {other.language} unit {unit.eid} has no {reference.language} twin")
    paired = replace(other, units=tuple(replace(u, wid=wids[u.eid]) for u in other.units))
    return tuple(paired if e is other else e for e in expressions), tuple(warnings)
