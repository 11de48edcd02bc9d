"""One language's text of an act at a point in time, as units in document order, and what changed between two
such states (the unit-level changes a full edition is diffed into, and what `compare` reports)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import cached_property

from service.domain.model import Unit


@dataclass(frozen=True)
class UnitVersion:
    """A unit's attributes in one language from a day on; `source_act` / `amendment` say what made it."""

    eid: str
    kind: str
    num: str | None
    heading: str | None
    sha256: str | None
    text_available: bool
    repealed: bool = False
    source_act: str | None = None
    amendment: str | None = None

    def content(self) -> tuple[object, ...]:
        """What the unit says and how it is numbered, without who made it."""
        return (self.eid, self.kind, self.num, self.heading, self.sha256, self.text_available, self.repealed)

    @property
    def in_text(self) -> bool:
        """Part of the consolidated text (a repealed unit stays addressable but has no text)."""
        return not self.repealed

    def made_by(self, source_act: str | None, amendment: str | None) -> UnitVersion:
        return replace(self, source_act=source_act, amendment=amendment)


@dataclass(frozen=True)
class ExpressionState:
    """The units of one language in document order; `units` holds the version of each unit in `wids`;
    `breaks` the line breaks before a unit in the text where its layout is recorded (a Markdown law file's
    lines), keyed by wId: a unit without an entry follows a blank line."""

    wids: tuple[str, ...] = ()
    units: Mapping[str, UnitVersion] = field(default_factory=dict)
    breaks: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [w for w in self.wids if w not in self.units]
        if missing:
            raise ValueError(f"units without a version: {missing[:5]}")

    @cached_property
    def positions(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.wids)}

    @cached_property
    def _by_eid(self) -> dict[str, str]:
        return {self.units[w].eid: w for w in reversed(self.wids)}  # the first in document order wins

    def get(self, wid: str) -> UnitVersion | None:
        return self.units.get(wid) if wid in self.positions else None

    def wid_of_eid(self, eid: str) -> str | None:
        return self._by_eid.get(eid)

    def eids(self) -> set[str]:
        return set(self._by_eid)

    def descendants(self, wid: str) -> list[str]:
        """The units nested in `wid` (their eId extends its eId by `__…`), in document order."""
        prefix = self.units[wid].eid + "__"
        return [w for w in self.wids if self.units[w].eid.startswith(prefix)]

    def last_inside(self, wid: str) -> str:
        """`wid`, or the last of the units that follow it nested in it (where an insertion after it goes)."""
        prefix, last = self.units[wid].eid + "__", wid
        for w in self.wids[self.positions[wid] + 1:]:
            if not self.units[w].eid.startswith(prefix):
                break
            last = w
        return last

    def visible(self) -> dict[str, UnitVersion]:
        return {w: self.units[w] for w in self.wids}

    def layout(self) -> tuple[int, ...] | None:
        """The line breaks before each unit in `wids` order, as stored beside the structure; None when no
        unit's layout is recorded (every unit after a blank line)."""
        if not any(w in self.breaks for w in self.wids):
            return None
        return tuple(self.breaks.get(w, 2) for w in self.wids)


def state_from_units(units: Iterable[Unit], previous: ExpressionState | None, *, source_act: str | None,
                     amendment: str | None = None) -> ExpressionState:
    """A full expression as a state: a unit that says what it said before keeps its earlier attribution; a
    changed one is credited to its own `source_act` when it names one, else to the edition's."""
    before = previous.visible() if previous is not None else {}
    versions: dict[str, UnitVersion] = {}
    wids = []
    breaks: dict[str, int] = {}
    for u in units:
        if u.breaks is not None:
            breaks[u.wid] = u.breaks
        v = UnitVersion(u.eid, u.kind, u.num, u.heading, u.sha256, u.text_available, False,
                        u.source_act or source_act, amendment)
        old = before.get(u.wid)
        versions[u.wid] = old if old is not None and old.content() == v.content() else v
        wids.append(u.wid)
    return ExpressionState(tuple(wids), versions, breaks)


class Change(StrEnum):
    ADDED = "added"
    REPEALED = "repealed"
    CHANGED = "changed"
    RENUMBERED = "renumbered"


@dataclass(frozen=True)
class UnitChange:
    wid: str
    changes: tuple[Change, ...]
    before: UnitVersion | None
    after: UnitVersion | None


def _text_changed(a: UnitVersion, b: UnitVersion) -> bool:
    return (a.sha256, a.text_available, a.heading, a.kind) != (b.sha256, b.text_available, b.heading, b.kind)


def unit_change(wid: str, before: UnitVersion | None, after: UnitVersion | None) -> UnitChange | None:
    """How one unit differs between two states (None: it does not)."""
    gone = before is not None and before.in_text
    if after is None or after.repealed:
        if gone:
            return UnitChange(wid, (Change.REPEALED,), before, after)
        if before is None and after is not None:
            return UnitChange(wid, (Change.ADDED, Change.REPEALED), before, after)
        return None
    if before is None or before.repealed:
        return UnitChange(wid, (Change.ADDED,), before, after)
    found = []
    if _text_changed(before, after):
        found.append(Change.CHANGED)
    if (before.eid, before.num) != (after.eid, after.num):
        found.append(Change.RENUMBERED)
    return UnitChange(wid, tuple(found), before, after) if found else None


def diff_states(before: ExpressionState, after: ExpressionState) -> list[UnitChange]:
    """The unit-level changes from one state to another, in the later state's order, removed units last."""
    old, new = before.visible(), after.visible()
    order = [*after.wids, *(w for w in before.wids if w not in new)]
    return [c for w in order if (c := unit_change(w, old.get(w), new.get(w))) is not None]


def unchanged(before: ExpressionState, after: ExpressionState) -> list[str]:
    """The units in both states, in force in both, saying the same under the same number."""
    old = before.visible()
    return [w for w in after.wids
            if (a := old.get(w)) is not None and a.in_text and a.content() == after.units[w].content()]


def text_completeness(states: Mapping[str, ExpressionState]) -> str:
    """full: every unit in the text of every language has its words; none: no unit has; partial: between."""
    total = with_text = 0
    nonempty = True
    for s in states.values():
        units = s.units
        in_text = [units[w].text_available for w in s.wids if not units[w].repealed]
        total += len(in_text)
        with_text += sum(in_text)
        nonempty = nonempty and bool(in_text)
    if total and with_text == total and nonempty:
        return "full"
    return "none" if with_text == 0 else "partial"


def depth_and_parent(state: ExpressionState) -> dict[str, tuple[int, str | None]]:
    """Each unit's nesting depth and parent (the nearest unit whose eId is a prefix of its own)."""
    by_eid = {state.units[w].eid: w for w in state.wids}
    parents: dict[str, str | None] = {}
    for w in state.wids:
        parts = state.units[w].eid.split("__")
        parents[w] = next((by_eid[p] for i in range(len(parts) - 1, 0, -1)
                           if (p := "__".join(parts[:i])) in by_eid), None)

    def depth(w: str) -> int:
        d, p = 0, parents[w]
        while p is not None:  # a parent's eId is strictly shorter, so the chain ends
            d, p = d + 1, parents[p]
        return d

    return {w: (depth(w), parents[w]) for w in state.wids}


def changes_by_day(rows: Iterable[tuple[date, str, UnitVersion]],
                   structures: Iterable[tuple[date, tuple[str, ...], tuple[str, ...]]]
                   ) -> list[tuple[date, list[UnitChange]]]:
    """Replaying one language's version rows and structure changes (the wIds that entered and left the
    structure on each day) in valid time: the changes of each day, units entering first (in document
    order), then units whose version changed, then units leaving."""
    by_row: dict[date, list[tuple[str, UnitVersion]]] = {}
    for d, wid, v in rows:
        by_row.setdefault(d, []).append((wid, v))
    by_structure: dict[date, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for d, entered, left in structures:
        by_structure.setdefault(d, []).append((entered, left))
    versions: dict[str, UnitVersion] = {}
    present: set[str] = set()
    out = []
    for day in sorted(set(by_row) | set(by_structure)):
        before = {w: versions.get(w) if w in present else None for w in _touched(day, by_row, by_structure)}
        order = [w for entered, _ in by_structure.get(day, []) for w in entered]
        for entered, left in by_structure.get(day, []):
            present.difference_update(left)
            present.update(entered)
        versions.update(by_row.get(day, []))
        order += [w for w, _ in by_row.get(day, [])] + [w for _, left in by_structure.get(day, []) for w in left]
        found = []
        for w in dict.fromkeys(order):
            after = versions.get(w) if w in present else None
            change = unit_change(w, before[w], after)
            if change is not None:
                found.append(change)
        if found:
            out.append((day, found))
    return out


def _touched(day: date, by_row: Mapping[date, list[tuple[str, UnitVersion]]],
             by_structure: Mapping[date, list[tuple[tuple[str, ...], tuple[str, ...]]]]) -> set[str]:
    return {w for w, _ in by_row.get(day, [])} | {w for e, lft in by_structure.get(day, []) for w in (*e, *lft)}
