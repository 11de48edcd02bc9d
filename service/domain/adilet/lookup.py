"""Finding units of one expression by kind and number, nearest to a given unit — for the units a
footnote names ("пункт 4" in a footnote under chapter 2 means chapter 2's point 4 when it has one)."""

from __future__ import annotations

from collections import defaultdict

from .model import Unit

_NUMBERLESS = ("heading", "preamble")


class UnitLookup:
    def __init__(self, units: tuple[Unit, ...]) -> None:
        self._parent = {u.eid: u.parent for u in units}
        self._by_key: dict[tuple[str, str | None], list[str]] = defaultdict(list)
        for unit in units:
            self._by_key[(unit.kind, unit.num)].append(unit.eid)

    def ancestors(self, eid: str) -> list[str]:
        """The eIds above a unit, nearest first."""
        chain: list[str] = []
        current = self._parent.get(eid)
        while current is not None and len(chain) < 64:
            chain.append(current)
            current = self._parent.get(current)
        return chain

    def resolve(self, kind: str, num: str | None, near: str | None) -> str | None:
        """The unit of that kind and number closest to `near` in the tree (the first one when tied)."""
        if kind in _NUMBERLESS:
            return near if kind == "heading" else next(iter(self._by_key.get(("preamble", None), [])), None)
        candidates = self._by_key.get((kind, num), [])
        if not candidates:
            return None
        if near is None:
            return candidates[0]
        chain = [near, *self.ancestors(near)]
        depth = {eid: i for i, eid in enumerate(chain)}

        def distance(eid: str) -> tuple[int, int]:
            if eid in depth:
                return 0, depth[eid]
            shared = [depth[a] for a in self.ancestors(eid) if a in depth]
            return 1, min(shared, default=len(chain))

        return min(candidates, key=distance)
