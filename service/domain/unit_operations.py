"""Applying unit-level operations: how each one turns one day's state of every language into the next, what
it refuses (a unit not in the text, an eId in use), and what it leaves open (a language given no words, or
lacking the unit named). Pure; the store folds these over the recorded history, the command checks with them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from service.domain.amendments import (
    STATUS_OPERATIONS,
    Insert,
    Operation,
    Position,
    Renumber,
    Repeal,
    Replace,
)
from service.domain.errors import InvalidOperation, UnitNotInForce
from service.domain.expressions import ExpressionState, UnitVersion

States = Mapping[str, ExpressionState]


@dataclass
class Flags:
    """What an amendment left open: languages it gave no words in, languages lacking the unit it names."""

    missing_languages: dict[str, list[str]] = field(default_factory=dict)
    not_in_language: dict[str, list[str]] = field(default_factory=dict)

    def note(self, which: dict[str, list[str]], eid: str, lang: str) -> None:
        langs = which.setdefault(eid, [])
        if lang not in langs:
            langs.append(lang)

    def as_json(self) -> dict[str, dict[str, list[str]]]:
        out = {}
        if self.missing_languages:
            out["missing_languages"] = {k: sorted(v) for k, v in self.missing_languages.items()}
        if self.not_in_language:
            out["not_in_language"] = {k: sorted(v) for k, v in self.not_in_language.items()}
        return out


def on_day(day: date | None) -> str:
    """The day an operation applies on, as an error names it (no day: a prospective amendment's latest text)."""
    return f"on {day.isoformat()}" if day is not None else "in the latest text"


def _in_text(states: States, wid: str) -> list[str]:
    """The languages in which the unit is in the text (present and not repealed)."""
    return [lang for lang, s in states.items() if (u := s.get(wid)) is not None and u.in_text]


def require_in_text(states: States, wid: str, eid: str, day: date | None) -> list[str]:
    """The languages the unit is in force in; UnitNotInForce when none."""
    langs = _in_text(states, wid)
    if langs:
        return langs
    if any(s.get(wid) is not None for s in states.values()):
        raise UnitNotInForce(f"unit {eid} is repealed {on_day(day)}", unit=eid)
    raise UnitNotInForce(f"the act has no unit {eid} in force {on_day(day)}", unit=eid)


def _known_languages(op: Replace | Insert, states: States, context: States, day: date | None) -> None:
    """Words in a language the act has no text in cannot be placed anywhere: refused, not dropped."""
    unknown = sorted(set(op.texts) - set(states) - set(context))
    if unknown:
        raise InvalidOperation(f"{op.eid}: the act has no text in {', '.join(unknown)} {on_day(day)}; record an edition "
                               "in that language first", unit=op.eid)


def _words(op: Replace | Insert, lang: str, flags: Flags) -> tuple[str | None, bool]:
    if lang not in op.texts:
        flags.note(flags.missing_languages, op.eid, lang)
        return None, False
    sha = op.texts[lang]
    return sha, sha is not None


def _with(state: ExpressionState, changes: Mapping[str, UnitVersion], wids: tuple[str, ...] | None = None
          ) -> ExpressionState:
    units = dict(state.units)
    units.update(changes)
    return ExpressionState(wids if wids is not None else state.wids, units)


@dataclass(frozen=True)
class Maker:
    source_act: str | None
    amendment: str | None


def _languages_with_unit(states: dict[str, ExpressionState], langs: list[str], eid: str, flags: Flags
                         ) -> Iterator[tuple[str, ExpressionState]]:
    """Each language in `langs` (those with the unit in their text) with its state; the others are flagged."""
    for lang, s in states.items():
        if lang in langs:
            yield lang, s
        else:
            flags.note(flags.not_in_language, eid, lang)


def _replace(states: dict[str, ExpressionState], op: Replace, by: Maker, day: date | None, flags: Flags,
             context: States) -> None:
    langs = require_in_text({**context, **states}, op.wid, op.eid, day)
    _known_languages(op, states, context, day)
    for lang, s in _languages_with_unit(states, langs, op.eid, flags):
        sha, available = _words(op, lang, flags)
        old = s.units[op.wid]
        new = replace(old, sha256=sha, text_available=available,
                      heading=op.heading if op.heading is not None else old.heading,
                      source_act=by.source_act, amendment=by.amendment)
        states[lang] = _with(s, {op.wid: new})


def _descendants_and_self(s: ExpressionState, wid: str) -> list[str]:
    return [wid, *s.descendants(wid)]


def _repeal(states: dict[str, ExpressionState], op: Repeal, by: Maker, day: date | None, flags: Flags,
            context: States) -> None:
    langs = require_in_text({**context, **states}, op.wid, op.eid, day)
    for lang, s in _languages_with_unit(states, langs, op.eid, flags):
        gone = {w: replace(s.units[w], sha256=None, text_available=False, repealed=True,
                           source_act=by.source_act, amendment=by.amendment)
                for w in _descendants_and_self(s, op.wid) if s.units[w].in_text}
        states[lang] = _with(s, gone)


def _renumber(states: dict[str, ExpressionState], op: Renumber, by: Maker, day: date | None, flags: Flags,
              context: States) -> None:
    langs = require_in_text({**context, **states}, op.wid, op.eid, day)
    for lang, s in _languages_with_unit(states, langs, op.eid, flags):
        moving = _descendants_and_self(s, op.wid)
        old_eid = s.units[op.wid].eid
        renamed = {w: op.new_eid + s.units[w].eid[len(old_eid):] for w in moving}
        taken = {s.units[w].eid for w in s.wids if w not in renamed}
        clash = sorted(set(renamed.values()) & taken)
        if clash:
            raise InvalidOperation(f"renumbering {op.eid} as {op.new_eid} gives eId {clash[0]}, which another "
                                   f"unit has in {lang}", unit=op.eid)
        changes = {w: replace(s.units[w], eid=e, num=op.num if w == op.wid else s.units[w].num,
                              source_act=by.source_act, amendment=by.amendment) for w, e in renamed.items()}
        states[lang] = _with(s, changes)


def _insertion_index(s: ExpressionState, position: Position) -> int | None:
    """Where in `s.wids` the new unit goes; None when the anchor is not in this language."""
    if position.where == "end":
        return len(s.wids)
    anchor = position.anchor
    if anchor is None or anchor not in s.positions:
        return None
    if position.where == "before":
        return s.positions[anchor]
    return s.positions[s.last_inside(anchor)] + 1


def _insert(states: dict[str, ExpressionState], op: Insert, by: Maker, day: date | None, flags: Flags,
            context: States) -> None:
    if any(op.wid in s.positions for s in states.values()):
        raise InvalidOperation(f"the act already has a unit with wId {op.wid}", unit=op.eid)
    _known_languages(op, states, context, day)
    if any(s.wid_of_eid(op.eid) is not None for s in states.values()):
        raise InvalidOperation(f"the act already has a unit {op.eid} (repealed units keep their number); "
                               "insert under another eId, e.g. with a '-1' suffix", unit=op.eid)
    placed = 0
    for lang, s in states.items():
        at = _insertion_index(s, op.position) if s.wids else None
        if at is None:
            flags.note(flags.not_in_language, op.position.anchor or op.eid, lang)
            continue
        sha, available = _words(op, lang, flags)
        unit = UnitVersion(op.eid, op.kind, op.num, op.heading, sha, available, False, by.source_act, by.amendment)
        states[lang] = _with(s, {op.wid: unit}, s.wids[:at] + (op.wid,) + s.wids[at:])
        placed += 1
    anchored_elsewhere = any(_insertion_index(c, op.position) is not None for c in context.values() if c.wids)
    if not placed and not anchored_elsewhere:
        where = op.position.anchor or "the text"
        raise UnitNotInForce(f"cannot insert {op.eid}: the act has no unit {where} {on_day(day)}", unit=op.eid)


def apply_operations(states: States, ops: Sequence[Operation], *, by: Maker, day: date | None,
                     flags: Flags | None = None, context: States | None = None) -> dict[str, ExpressionState]:
    """The states after the operations, in order; status operations only have to name a unit in force.
    `context` holds languages that are not changed here but in which a named unit may be found."""
    out = dict(states)
    flags = flags if flags is not None else Flags()
    ctx = context or {}
    for op in ops:
        if isinstance(op, Replace):
            _replace(out, op, by, day, flags, ctx)
        elif isinstance(op, Insert):
            _insert(out, op, by, day, flags, ctx)
        elif isinstance(op, Repeal):
            _repeal(out, op, by, day, flags, ctx)
        elif isinstance(op, Renumber):
            _renumber(out, op, by, day, flags, ctx)
        elif isinstance(op, STATUS_OPERATIONS):
            require_in_text({**ctx, **out}, op.wid, op.eid, day)
    return out


def insertion_wid(eid: str, taken: set[str]) -> str:
    """A wId for a new unit: its eId, unless some unit of the act ever had that wId (wIds are never reused)."""
    if eid not in taken:
        return eid
    # `point_5` → `point_5-w2`; a component without a number (`preamble`) → `preamble_w2`.
    glue = "-w" if "_" in eid.rsplit("__", 1)[-1] else "_w"
    n = 2
    while f"{eid}{glue}{n}" in taken:
        n += 1
    return f"{eid}{glue}{n}"
