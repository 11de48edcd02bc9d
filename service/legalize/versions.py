"""What one legal date of a law file becomes in Lextime (pure): the units of its text as the file's
`text_state` allows, the units each version changed, the edition's note, and Lextime's own members of an
exported file (`lextime_edition`: the units and sources exactly as Lextime held them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from service.domain.model import Unit
from service.domain.texts import normalise_text
from service.domain.units import EID, UNIT_KINDS, with_hashes
from service.legalize.commits import CommitMessage, affected_articles
from service.legalize.errors import LegalizeError
from service.legalize.frontmatter import LawMeta
from service.legalize.history import LegalDate, LegalVersion
from service.legalize.mapping import day_precise
from service.legalize.markdown import article_eid, units_from_markdown

AS_ENACTED_NOTE = ("the source gives this law as enacted (text_state: as_enacted): amendments are not "
                   "incorporated, so the wording in force from this date is not given")
CURRENT_NOTE = ("the source gives only its latest consolidated text (text_state: current), not the wording in "
                "force from this date")


@dataclass(frozen=True)
class Text:
    """The units an edition records, and why they have no text when they have none."""

    units: list[Unit]
    withheld: str | None = None  # the reason the source's body is not presented as the text in force


def body_units(body: str, *, lextime_edition: Mapping[str, Any] | None) -> list[Unit]:
    """The units of a file's body, hashed: as Lextime's export describes them, else read from the Markdown."""
    spec = lextime_edition.get("units") if lextime_edition else None
    return with_hashes(units_from_spec(body, spec) if spec is not None else units_from_markdown(body))


def text_units(meta: LawMeta, units: list[Unit], *, original: bool) -> Text:
    """The units an edition records from a version's body units. A body that is not the law in force on the
    version's date is withheld: `current` always, `as_enacted` after the original enactment."""
    if meta.text_state == "current":
        return Text([], CURRENT_NOTE)
    if meta.text_state == "as_enacted" and not original:
        return Text([], AS_ENACTED_NOTE)
    return Text(units)


def _field(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise LegalizeError(f"lextime_edition.units: {key} must be a string")
    return value


def units_from_spec(body: str, spec: object) -> list[Unit]:
    """Units cut from the body as Lextime's export describes them: each unit's lines and the line breaks
    before it, in order; units without text, or with an empty one, take no lines."""
    if not isinstance(spec, list):
        raise LegalizeError("lextime_edition.units must be a list")
    text = normalise_text(body)
    lines = text.split("\n") if text else []
    pos, units, started = 0, [], False
    for raw in spec:
        if not isinstance(raw, Mapping):
            raise LegalizeError("lextime_edition.units: each unit must be a mapping")
        eid, kind = _field(raw, "eId"), _field(raw, "kind")
        if not eid or not EID.fullmatch(eid) or kind not in UNIT_KINDS:
            raise LegalizeError(f"lextime_edition.units: {eid!r} is not a unit Lextime can record")
        count, breaks = raw.get("lines", 0), raw.get("breaks")
        available = bool(raw.get("text_available", True))
        if not isinstance(count, int) or count < 0 or (breaks is not None and not isinstance(breaks, int)):
            raise LegalizeError(f"lextime_edition.units: {eid}: lines and breaks must be whole numbers")
        body_lines: list[str] = []
        if available and count == 0:
            pass  # a unit whose words are known to be empty: it takes no line of the body
        elif available:
            if started:
                pos += (breaks if breaks is not None and breaks > 0 else 2) - 1
            body_lines, pos, started = lines[pos:pos + count], pos + count, True
            if len(body_lines) != count or not count:
                raise LegalizeError(f"lextime_edition.units: {eid} does not fit the body")
        units.append(Unit(eid=eid, wid=_field(raw, "wId") or eid, kind=kind, num=_field(raw, "num"),
                          heading=_field(raw, "heading"), text="\n".join(body_lines) if available else None,
                          text_available=available, breaks=breaks))
    if pos != len(lines):
        raise LegalizeError("lextime_edition.units do not cover the body")
    return units


def unit_spec(units: Sequence[Unit]) -> list[dict[str, Any]]:
    """How Lextime's export describes an expression's units, for `units_from_spec` to cut them back."""
    return [{"eId": u.eid, "wId": u.wid, "kind": u.kind, "num": u.num, "heading": u.heading,
             "lines": len(u.text.split("\n")) if u.text_available and u.text else 0,
             "breaks": u.breaks, "text_available": bool(u.text_available)} for u in units]


def changed_units(before: Sequence[Unit] | None, after: Sequence[Unit]) -> tuple[str, ...]:
    """The eIds whose text a version changed, added or removed, in the new document order then the removed;
    () for a first version (nothing to compare with)."""
    if before is None:
        return ()
    old = {u.eid: (u.sha256, u.heading) for u in before}
    new = {u.eid: (u.sha256, u.heading) for u in after}
    changed = [u.eid for u in after if old.get(u.eid) != new[u.eid]]
    return (*changed, *(e for e in old if e not in new))


def named_units(message: CommitMessage, units: Sequence[Unit]) -> tuple[str, ...]:
    """The units the commit's subject names ("arts. 7, 23" → art_7, art_23) that the text has."""
    wanted = {article_eid(n) for n in affected_articles(message) if n[:1].isdigit()}
    return tuple(u.eid for u in units if u.eid in wanted)


def same_units(recorded: Sequence[Unit], units: Sequence[Unit]) -> bool:
    """Whether a recorded expression is the one these units would record (the same re-import)."""
    def key(us: Sequence[Unit]) -> list[tuple[object, ...]]:
        return [(u.eid, u.kind, u.num, u.heading, u.sha256 if u.text_available else None,
                 bool(u.text_available), u.breaks or 2) for u in us]
    return key(recorded) == key(units)


def _commit_line(version: LegalVersion) -> str:
    opening = version.opening
    line = f"{opening.message.subject} ({opening.sha[:12]})"
    fixes = [f"{c.message.subject} ({c.sha[:12]})" for c in version.corrections if c is not opening]
    return line + (f", corrected by {'; '.join(fixes)}" if fixes else "")


def edition_note(event: LegalDate, meta: LawMeta, text: Text) -> str:
    """Where the edition comes from (the commits, so an auditor can find them) and what it leaves unsaid."""
    parts = [f"legalize {event.path}: " + " + ".join(_commit_line(v) for v in event.versions)]
    if not day_precise(meta):
        parts.append(f"Source-Date {event.date} is an estimate: the source knows the "
                     f"{meta.date_precision} only (date_precision: {meta.date_precision})")
    if meta.status == "partially_repealed":
        parts.append("the source marks the law partially repealed (status: partially_repealed)")
    if text.withheld:
        parts.append(text.withheld)
    note = ". ".join(parts)
    return note if len(note) <= 4000 else note[:3999] + "…"


def other_expressions(edition: Mapping[str, Any] | None) -> dict[str, list[Unit]]:
    """The expressions in other languages than the body's that Lextime's export carries, units and texts."""
    raw = edition.get("expressions") if edition else None
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise LegalizeError("lextime_edition.expressions must be a mapping of languages")
    out: dict[str, list[Unit]] = {}
    for lang, units in raw.items():
        if not isinstance(units, list):
            raise LegalizeError(f"lextime_edition.expressions.{lang} must be a list of units")
        texts = [u.get("text") if isinstance(u, Mapping) else None for u in units]
        if not all(t is None or isinstance(t, str) for t in texts):
            raise LegalizeError(f"lextime_edition.expressions.{lang}: texts must be strings")
        spec = [{**u, "lines": 0, "text_available": False} if isinstance(u, Mapping) else u for u in units]
        shells = units_from_spec("", spec)
        out[str(lang)] = with_hashes(
            [Unit(**{**s.__dict__, "text": t, "text_available": t is not None}) for s, t in zip(shells, texts)])
    return out
