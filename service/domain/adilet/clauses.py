"""Provisions of the act that act on acts — "Внести в приказ … следующее изменение" (amends), "Признать
утратившим силу Указ …" (repeals), "Настоящий Указ вводится в действие со дня его подписания" (this
act's entry into force) — and the other acts its text cites."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from .citations import find_citations
from .model import Citation, Clause, ClauseKind, EntryIntoForce, Reference, Unit
from .rules import parse_entry_rule, states_entry_into_force

_REPEALS = re.compile(
    r"признать\s+утративш[^\W\d_]{0,4}\s+силу|күш[^\W\d_]{0,3}\s+жойыл[^\W\d_]{0,4}\s+деп\s+таныл", re.IGNORECASE
)
_AMENDS = re.compile(
    r"(?<![^\W\d_])внести\s+(?:в|изменени|дополнени)"
    r"|(?:өзгеріс|өзгерту|толықтыру)[^\W\d_]{0,6}(?:\s+(?:мен|және)\s+[^\W\d_]{1,20})?\s+енгізілсін",
    re.IGNORECASE,
)
_SELF = re.compile(
    r"настоящ[^\W\d_]{0,4}\s+(?:указ|закон|постановлени|приказ|кодекс|решени|распоряжени|нормативн|конституционн)"
    r"|(?<![^\W\d_])осы\s+(?:жарлық|заң|қаулы|бұйрық|кодекс|шешім|нормативтік|конституциялық)",
    re.IGNORECASE,
)
_BY_ANNEX = re.compile(r"согласно\s+приложени[^\W\d_]{0,3}(?:\s+(?P<ru>\d{1,3}))?|(?:(?P<kk>\d{1,3})\s*-\s*)?қосымшаға\s+сәйкес",
                       re.IGNORECASE)
_ANNEX_TOPIC = {"repeals": re.compile(r"утративш|күші\s+жойыл", re.IGNORECASE),
                "amends": re.compile(r"изменени|дополнени|өзгеріс|толықтыру", re.IGNORECASE)}


def _in_annex(unit: Unit, by_eid: dict[str, Unit]) -> bool:
    current: Unit | None = unit
    while current is not None:
        if current.kind == "annex":
            return True
        current = by_eid.get(current.parent) if current.parent else None
    return False


def _descendants(eid: str, units: tuple[Unit, ...]) -> list[Unit]:
    prefix = eid + "__"
    return [u for u in units if u.eid.startswith(prefix)]


def _leading_citation(unit: Unit) -> Citation | None:
    """The citation a list item opens with ("1. Постановление Правительства … от … № …")."""
    found = find_citations(unit.text or "")
    if found and len((unit.text or "")[: found[0].start].split()) <= 2 and found[0].citation.act_type:
        return found[0].citation
    return None


def _annex_for(text: str, kind: ClauseKind, units: tuple[Unit, ...]) -> Unit | None:
    match = _BY_ANNEX.search(text)
    if match is None:
        return None
    annexes = [u for u in units if u.kind == "annex" and u.parent is None]
    num = match.group("ru") or match.group("kk")
    if num:
        return next((a for a in annexes if a.num == num), None)
    topical = [a for a in annexes if _ANNEX_TOPIC[kind].search(a.heading or "")]
    return topical[0] if topical else (annexes[0] if len(annexes) == 1 else None)


def _targets(unit: Unit, kind: ClauseKind, units: tuple[Unit, ...]) -> list[tuple[Unit, Citation]]:
    text = unit.text or ""
    own = [c.citation for c in find_citations(text) if c.citation.act_type]
    if own and not text.rstrip().endswith(":"):
        return [(unit, own[0])] if kind == "amends" else [(unit, c) for c in own]
    annex = _annex_for(text, kind, units)
    items = _descendants(annex.eid if annex else unit.eid, units)
    listed = [(item, c) for item in items if (c := _leading_citation(item)) is not None]
    return listed or ([(unit, own[0])] if own else [])


def _clause(kind: ClauseKind, unit: Unit, target: Citation | None, rule: EntryIntoForce | None) -> Clause:
    return Clause(kind, unit.eid, target, rule, rule.effective_date if rule else None, unit.text or "",
                  unit.line, unit.language)


def read_clauses(units: tuple[Unit, ...], signed_on: dt.date | None) -> tuple[Clause, ...]:
    """Repeal, amendment and entry-into-force clauses of the main body (annexes are not clauses)."""
    by_eid = {u.eid: u for u in units}
    clauses: list[Clause] = []
    for unit in units:
        text = unit.text or ""
        if not text or unit.kind in ("toc", "signature", "annex") or _in_annex(unit, by_eid):
            continue
        if _REPEALS.search(text):
            clauses += [_clause("repeals", source, c, None) for source, c in _targets(unit, "repeals", units)]
        elif _AMENDS.search(text):
            clauses += [_clause("amends", source, c, None) for source, c in _targets(unit, "amends", units)]
        elif _SELF.search(text) and states_entry_into_force(text):
            rule = parse_entry_rule(text, signed_on)
            if rule is not None:
                clauses.append(_clause("entry_into_force", unit, None, rule))
    return tuple(clauses)


def with_effective_date(clauses: Iterable[Clause], entry: EntryIntoForce | None) -> tuple[Clause, ...]:
    """Repeals and amendments take effect when this act enters into force, when that date is known."""
    date = entry.effective_date if entry else None
    return tuple(
        Clause(c.kind, c.unit, c.target, entry if c.kind != "entry_into_force" else c.entry_into_force,
               date if c.kind != "entry_into_force" else c.effective_date, c.text, c.line, c.language)
        for c in clauses
    )


def read_references(units: tuple[Unit, ...], own: Citation | None, clauses: tuple[Clause, ...]) -> tuple[Reference, ...]:
    """Citations of other acts in the text: not this act itself, not the targets of its clauses."""
    targets = {(c.unit, c.target) for c in clauses if c.target is not None}
    found: list[Reference] = []
    for unit in units:
        if unit.kind == "toc":
            continue
        for match in find_citations(unit.text or ""):
            citation = match.citation
            if citation.act_type is None or (own is not None and citation.same_act(own)):
                continue
            if any(u == unit.eid and t.same_act(citation) for u, t in targets):
                continue
            found.append(Reference(citation, unit.eid, unit.line, unit.language))
    return tuple(found)
