"""Lextime's acts as legalize law files and commits (pure): what each commit of an act's history says.

One file per act, one commit per edition (`new` for the first, `reform` after it, `Source-Id` its source act),
a `repeal` commit on the day a whole-act repeal takes effect, and, for an act known without any edition, one
`new` commit without `Source-Date` (the spec's undated change). The front matter carries the spec's fields,
and under `lextime*` keys what the format has no place for (the act as recorded, the edition's units, sources,
note and other languages, the relations that target the act), so that importing the export gives back
exactly what Lextime held.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.domain.model import Act, Edition, Relation, Unit
from service.domain.records import act_payload
from service.domain.status import StatusCode
from service.domain.units import text_of
from service.legalize.commits import CommitType, format_message
from service.legalize.frontmatter import render_document
from service.legalize.manifest import law_path
from service.legalize.markdown import units_from_markdown
from service.legalize.relations import lextime_relation_entry
from service.legalize.versions import unit_spec

EPOCH_FLOOR = date(1970, 1, 2)  # git cannot date a commit before the epoch: the spec clamps to this day
_NOT_A_SEGMENT = re.compile(r"[/\\\x00-\x1f]+")


@dataclass(frozen=True)
class EditionText:
    edition: Edition
    expressions: dict[str, list[Unit]]  # by language, as recorded


@dataclass(frozen=True)
class PlannedCommit:
    path: str
    content: str
    message: str
    date: date  # the git author and committer date (Source-Date, clamped)


@dataclass(frozen=True)
class ActHistory:
    act: Act
    identifier: str
    lang: str
    editions: Sequence[EditionText]
    relations: Sequence[Relation]  # those whose target is the act
    identifiers: Callable[[str], str]  # the identifier of another act's file, by act id
    status: Callable[[date], StatusCode]


def identifier_of(act: Act) -> str:
    """The act's legalize identifier: its first external id, else type-number-date, else its Lextime id;
    always one path segment."""
    if act.external_ids:
        raw = act.external_ids[0]
    elif act.number and (act.adopted_on or act.publication_date):
        raw = f"{act.type}-{act.number}-{act.adopted_on or act.publication_date}"
    else:
        raw = act.id
    cleaned = _NOT_A_SEGMENT.sub("-", raw).strip()
    return cleaned if cleaned.strip(".") else act.id


def country_of(jurisdiction: str) -> str:
    return jurisdiction.split("-", 1)[0]


def _status(code: StatusCode) -> str:
    return {StatusCode.REPEALED: "repealed", StatusCode.EXPIRED: "expired"}.get(code, "in_force")


def _title(act: Act, lang: str) -> str:
    return act.titles.get(lang) or next(iter(act.titles.values()), None) or act.id


def git_date(day: date | None) -> date:
    return max(day, EPOCH_FLOOR) if day is not None else EPOCH_FLOOR


def _same_as_parsed(units: Sequence[Unit], body: str) -> bool:
    parsed = units_from_markdown(body)
    def key(us: Sequence[Unit]) -> list[tuple[object, ...]]:
        return [(u.eid, u.wid, u.kind, u.num, u.heading, u.text if u.text_available else None,
                 bool(u.text_available), (u.breaks or 2) if i else 0) for i, u in enumerate(us)]
    return key(parsed) == key(units)


def _edition_extras(h: ActHistory, e: EditionText, body: str) -> dict[str, Any]:
    units = e.expressions.get(h.lang, [])
    extras: dict[str, Any] = {
        "sources": [{"id": s, "identifier": h.identifiers(s)} for s in e.edition.source_acts],
        "note": e.edition.note,
        "languages": list(e.edition.languages),
    }
    if not _same_as_parsed(units, body):
        extras["units"] = unit_spec(units)
    others = {lang: [{**spec, "text": u.text if u.text_available else None}
                     for spec, u in zip(unit_spec(us), us)]
              for lang, us in e.expressions.items() if lang != h.lang}
    if others:
        extras["expressions"] = others
    return extras


def _front(h: ActHistory, day: date | None, edition: dict[str, Any] | None, last: bool) -> dict[str, Any]:
    act = h.act
    front: dict[str, Any] = {
        "title": _title(act, h.lang), "identifier": h.identifier, "country": country_of(act.jurisdiction),
        "rank": act.type,
    }
    if act.publication_date is not None:
        front["publication_date"] = act.publication_date.isoformat()
    if day is not None:
        front["last_updated"] = day.isoformat()
    front["status"] = _status(h.status(day)) if day is not None else "in_force"
    front["source"] = act.publication_source or act.akn_uri or f"urn:lextime:act:{act.id}"
    if country_of(act.jurisdiction) != act.jurisdiction:
        front["jurisdiction"] = act.jurisdiction
    front["language"] = h.lang
    front["lextime"] = act_payload(act)["act"]
    if edition is not None:
        front["lextime_edition"] = edition
    if last:
        front["lextime_relations"] = [lextime_relation_entry(r, source_identifier=h.identifiers(r.source_act))
                                      for r in h.relations]
    return front


def _repeals(h: ActHistory) -> list[Relation]:
    return sorted((r for r in h.relations if r.type == "repeals" and r.on_whole_act and r.effective_date
                   and r.source_act != h.act.id), key=lambda r: (r.effective_date or date.min, r.id))


def plan(h: ActHistory, template: str) -> list[PlannedCommit]:
    """The commits of one act's file, oldest first."""
    events: list[tuple[date, int, EditionText | Relation]] = [
        *((e.edition.valid_from, 0, e) for e in h.editions), *((r.effective_date or date.min, 1, r) for r in _repeals(h))]
    events.sort(key=lambda x: (x[0], x[1]))
    commits: list[PlannedCommit] = []
    body, path = "", ""
    title = _title(h.act, h.lang)
    if not events:
        front = _front(h, None, None, last=True)
        path = law_path(template, front)
        message = format_message(CommitType.NEW, title, source_id=h.identifier, norm_id=h.identifier,
                                 description="Known to Lextime without any edition.")
        return [PlannedCommit(path, render_document(front, ""), message, git_date(h.act.publication_date))]
    for i, (day, _, item) in enumerate(events):
        last = i == len(events) - 1
        if isinstance(item, EditionText):
            body = text_of(item.expressions.get(h.lang, [])) or ""
            front = _front(h, day, _edition_extras(h, item, body), last)
            kind = CommitType.NEW if not commits else CommitType.REFORM
            sources = item.edition.source_acts
            source_id = h.identifiers(sources[0]) if sources else h.identifier
            description = item.edition.note or ""
        else:
            front = _front(h, day, None, last)
            front["status"] = "repealed"
            kind, source_id, description = CommitType.REPEAL, h.identifiers(item.source_act), item.note or ""
        path = law_path(template, front)
        message = format_message(kind, title, source_id=source_id, source_date=day, norm_id=h.identifier,
                                 description=description)
        commits.append(PlannedCommit(path, render_document(front, body), message, git_date(day)))
    return commits


def readme(country: str | None, acts: int) -> str:
    scope = f"the acts of `{country}`" if country else "every act"
    return (
        f"# Legalize repository written by Lextime\n\n{scope.capitalize()} held in Lextime ({acts} acts), one Markdown "
        "file per act and one commit per edition, in the Legalize Format Spec v0.4 (`.legalize.yml`).\n\n"
        "- `Source-Date` is the date an edition applies from (its valid_from in Lextime); git dates mirror it, "
        "clamped to 1970-01-02 for older acts.\n"
        "- `rank` is Lextime's act type; the body is the text in one language (`language`).\n"
        "- Keys under `lextime`, `lextime_edition` and `lextime_relations` are Lextime's own record of the act, "
        "its editions and relations; other readers may ignore them.\n"
    )

