"""Entry point of the Adilet parser: bytes or text of one document in, a ParsedDocument out.

Pure: no I/O. Any input either parses or raises AdiletParseError naming the line that stopped it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import PurePosixPath

from .acttypes import DEFAULT_ISSUER, form_type
from .citations import find_citations
from .clauses import read_clauses, read_references, with_effective_date
from .errors import AdiletParseError
from .footnotes import effect_target, is_inline_note, read_effects
from .header import read_header
from .languages import split_languages
from .layouts import read_source
from .lines import Line
from .lookup import UnitLookup
from .meta import parse_meta
from .model import (
    ActRequisites,
    Citation,
    DocumentMeta,
    EntryIntoForce,
    Expression,
    Footnote,
    ParsedDocument,
    StatusNote,
    Unit,
)
from .pairing import pair
from .units import RawFootnote, read_body

_FILE_LANGUAGES = {"rus": "ru", "ru": "ru", "kaz": "kk", "kk": "kk", "kz": "kk"}


def _language_hint(filename: str | None) -> str | None:
    if not filename:
        return None
    return _FILE_LANGUAGES.get(PurePosixPath(filename).stem.lower())


def _meta_title(meta: DocumentMeta | None, language: str) -> str | None:
    return next((t for lang, t in meta.titles if lang == language), None) if meta else None


def _footnotes(raw: tuple[RawFootnote, ...], lookup: UnitLookup, language: str) -> tuple[Footnote, ...]:
    notes: list[Footnote] = []
    for item in raw:
        text, line, attached = item.text, item.line, item.attached
        effects = read_effects(text, target=attached, line=line, language=language, resolve=lookup.resolve)
        target = effect_target(effects, attached, lookup.ancestors)
        if target != attached:
            effects = tuple(replace(e, target=target) for e in effects)
        notes.append(Footnote(text, line, target, effects, language))
    return tuple(notes)


def _inline_notes(units: tuple[Unit, ...], lookup: UnitLookup, language: str) -> tuple[Footnote, ...]:
    """Units whose whole text records what happened to them ("5. Исключен Указом …", "Алып тасталды - …")."""
    notes: list[Footnote] = []
    for unit in units:
        if unit.text and is_inline_note(unit.text):
            effects = read_effects(unit.text, target=unit.eid, line=unit.line, language=language,
                                   resolve=lookup.resolve)
            notes.append(Footnote(unit.text, unit.line, unit.eid, effects, language, inline=True))
    return tuple(notes)


def _sorted(footnotes: tuple[Footnote, ...]) -> tuple[Footnote, ...]:
    return tuple(sorted(footnotes, key=lambda f: f.line))


def _expression(language: str, lines: list[Line], meta: DocumentMeta | None) -> tuple[Expression, tuple[str, ...]]:
    header = read_header(lines, meta_title=_meta_title(meta, language),
                         meta_requisite=meta.requisite_for(language) if meta else None)
    body = read_body(header.body, language)
    lookup = UnitLookup(body.units)
    own = header.citation
    signed_on = own.date if own else (meta.approved_on if meta else None)
    clauses = read_clauses(body.units, signed_on)
    entry = next((c.entry_into_force for c in clauses if c.kind == "entry_into_force"), None)
    version = next((d for lang, d in meta.version_dates if lang == language), None) if meta else None
    expression = Expression(
        language=language, title=header.title, title_line=header.title_line, details=header.details,
        details_line=header.details_line, citation=own, status=header.status, entry_into_force=entry,
        version_date=version, units=body.units, footnotes=_sorted(_footnotes(body.footnotes, lookup, language) + _inline_notes(body.units, lookup, language)),
        notes=body.notes, clauses=with_effective_date(clauses, entry),
        references=read_references(body.units, own, clauses),
        first_line=lines[0].no if lines else 0, last_line=lines[-1].no if lines else 0,
    )
    return expression, body.warnings


def _stamp_citation(expressions: tuple[Expression, ...]) -> Citation | None:
    """The act as an annex's approval stamp names it ("УТВЕРЖДЕНА Указом … от … № 148")."""
    for expression in expressions:
        for unit in expression.units:
            if unit.kind == "annex" and unit.parent is None:
                found = [m.citation for m in find_citations(unit.text or "") if m.citation.act_type]
                if found:
                    return found[0]
    return None


def _requisites(expressions: tuple[Expression, ...], meta: DocumentMeta | None) -> ActRequisites:
    cited = [e.citation for e in expressions if e.citation is not None]
    source = cited[0] if cited else None
    if source is None and meta is not None and meta.requisite:
        source = next((m.citation for m in find_citations(meta.requisite) if m.citation.act_type), None)
    source = source or _stamp_citation(expressions)
    act_type = source.act_type if source else None
    if act_type is None and meta is not None and meta.form:
        act_type = form_type(meta.form)
    adopted = (source.date if source else None) or (meta.approved_on if meta else None)
    issuer = (source.issuer if source else None) or (DEFAULT_ISSUER.get(act_type) if act_type else None)
    registration = next((c for c in cited if c.registration_number), None)
    titles = tuple((e.language, e.title) for e in expressions)
    return ActRequisites(
        act_type=act_type, number=source.number if source else None, adopted_on=adopted, issuer=issuer,
        issuer_name=source.issuer_name if source else None,
        registration_number=registration.registration_number if registration else None,
        registration_date=registration.registration_date if registration else None,
        act_code=meta.act_code if meta else None, titles=titles,
    )


def _status(expressions: tuple[Expression, ...]) -> StatusNote | None:
    notes = [e.status for e in expressions if e.status is not None]
    return next((n for n in notes if n.by is not None), notes[0] if notes else None)


def _fill_signing(expressions: tuple[Expression, ...], adopted: dt.date | None) -> tuple[Expression, ...]:
    """An act in force "from signing" whose details line was missing takes its date from the requisites."""
    if adopted is None:
        return expressions
    filled: list[Expression] = []
    for e in expressions:
        entry = e.entry_into_force
        if entry is not None and entry.rule == "on_signing" and entry.effective_date is None:
            entry = replace(entry, effective_date=adopted)
            e = replace(e, entry_into_force=entry, clauses=with_effective_date(e.clauses, entry))
        filled.append(e)
    return tuple(filled)


def _entry(expressions: tuple[Expression, ...]) -> EntryIntoForce | None:
    return next((e.entry_into_force for e in expressions if e.entry_into_force is not None), None)


def _parse(data: bytes | str, filename: str | None, meta_yaml: str | None) -> ParsedDocument:
    meta = parse_meta(meta_yaml) if meta_yaml is not None else None
    source = read_source(data, filename, has_meta=meta is not None)
    if source.front_matter is not None and meta is None:
        meta = parse_meta(source.front_matter, source="front matter", first_line=source.front_matter_line)
    if not source.lines:
        raise AdiletParseError("no text in the document", line=1)
    warnings: list[str] = []
    built = []
    for language, lines in split_languages(list(source.lines), _language_hint(filename)):
        expression, found = _expression(language, lines, meta)
        built.append(expression)
        warnings += found
    expressions, paired = pair(tuple(built))
    act = _requisites(expressions, meta)
    expressions = _fill_signing(expressions, act.adopted_on)
    return ParsedDocument(source.layout, act, _status(expressions), _entry(expressions), expressions, meta,
                          tuple(warnings) + paired)


def parse_document(data: bytes | str, *, filename: str | None = None, meta_yaml: str | None = None) -> ParsedDocument:
    """Parse one Adilet document (plain-text export, web page or Markdown with optional meta.yaml)."""
    try:
        return _parse(data, filename, meta_yaml)
    except AdiletParseError:
        raise
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError, OverflowError) as exc:
        raise AdiletParseError(f"unreadable document ({type(exc).__name__}: {exc})", line=0) from exc
