"""Footnotes ("Сноска." / "Ескерту.") read into typed, dated effects.

A footnote names what happened (repealed, new edition, amended, inserted, excluded, suspended), to which
unit ("Пункт 4", "8-1-бап") and by which act, sometimes with an entry-into-force qualifier in
parentheses. One footnote may name several acts separated by ";" — each gives its own effect, and an act
with no words of its own before it ("…; от 25.11.2019 № 272-VI") repeats the kind of the one before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from .citations import CitationMatch, find_citations
from .dates import find_dates
from .model import Citation, Effect, EffectKind, UnitRef
from .rules import parse_entry_rule

_MARKER = re.compile(r"^(?P<marker>Сноска|Ескерту)\s*\.\s*(?P<body>\S.*)$", re.IGNORECASE | re.DOTALL)
_NOTE = re.compile(
    r"^(?:Примечание\s+(?:ИЗПИ|РЦПИ)|(?:ҚР-ның\s+)?(?:ЗҚАИ|РҚАО)-ның\s+ескертпесі)", re.IGNORECASE
)

# Order is priority where two matches overlap: "дополнен статьей" is an insertion, not an amendment.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("suspend", r"приостановлен[^\W\d_]{0,4}|тоқтатыла\s+тұр[^\W\d_]{0,4}|тоқтатылды"),
        ("resume", r"возобновлен[^\W\d_]{0,4}|қайта\s+жаңғыртылды"),
        ("new_edition", r"(?:изложен[^\W\d_]{0,4}\s+)?в\s+(?:новой\s+)?редакции|жаңа\s+редакцияда|редакциясында"),
        ("repeal", r"утратил[^\W\d_]{0,4}\s+силу|утративш[^\W\d_]{0,6}\s+силу|күші\s+жойыл[^\W\d_]{0,4}"),
        ("exclude", r"исключен[^\W\d_]{0,4}|алып\s+тасталды|алынып\s+тасталды"),
        ("insert", (
            r"дополнен[^\W\d_]{0,4}\s+(?:нов[^\W\d_]{0,4}\s+)?(?:стать|пункт|подпункт|глав|параграф|раздел|приложени)"
            r"|(?:бап|тармақ|тармақша|тарау|параграф|қосымша|бөлім)[^\W\d_]{0,6}\s+толықтырылды"
        )),
        ("amend", (
            r"с\s+изменени[^\W\d_]{0,4}|с\s+дополнени[^\W\d_]{0,4}|внесен[^\W\d_]{0,4}\s+изменени"
            r"|изменен[^\W\d_]{0,4}|дополнен[^\W\d_]{0,4}|заменен[^\W\d_]{0,4}"
            r"|өзгеріс[^\W\d_]{0,6}\s+(?:мен\s+толықтыру[^\W\d_]{0,4}\s+)?енгізіл"
            r"|толықтыру[^\W\d_]{0,4}\s+енгізіл|толықтырылды|өзгертілді"
        )),
    )
)
_UNIT_WORDS = (
    ("subpoint", ("подпункт", "тармақша")),
    ("point", ("пункт", "тармақ")),
    ("article", ("стать", "бап")),
    ("chapter", ("глав", "тарау")),
    ("subchapter", ("параграф",)),
    ("part", ("раздел", "бөлім")),
    ("annex", ("приложени", "қосымша")),
)
_NUM = r"\d{1,4}(?:[-.]\d{1,4}){0,3}\)?"
_RU_UNIT = re.compile(
    rf"(?<![^\W\d_])(?P<word>подпункт|пункт|стать|глав|параграф|раздел|приложени)[^\W\d_]{{0,4}}"
    rf"\s+(?P<nums>{_NUM}(?:\s*(?:,|и)\s*{_NUM}){{0,20}})",
    re.IGNORECASE,
)
_KK_UNIT = re.compile(
    r"(?<![\w)])(?P<nums>\d{1,4}(?:-\d{1,4}){0,3}\)?)\s?-?\s?(?P<word>тармақша|тармақ|бап|тарау|параграф|қосымша|бөлім)",
    re.IGNORECASE,
)
_WHOLE_UNIT = re.compile(r"(?<![^\W\d_])(?P<word>заголовок|преамбул[^\W\d_]{0,2}|тақырып[^\W\d_]{0,4}|кіріспе[^\W\d_]{0,4})",
                         re.IGNORECASE)
_FROM_DATE = re.compile(r"(?:^|\s)со?\s*$", re.IGNORECASE)
_UNTIL_DATE = re.compile(r"(?:^|\s)до\s*$", re.IGNORECASE)

Resolve = Callable[[str, str | None, str | None], str | None]


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    value: str


def footnote_body(text: str) -> str | None:
    """The words of a footnote line after its marker, or None when the line is not a footnote.
    "Ескерту." also opens ordinary Kazakh notes, so it counts only when it reads like an Adilet footnote."""
    match = _MARKER.match(text)
    if match is None:
        return None
    body = match.group("body")
    if match.group("marker").lower() == "ескерту" and not _reads_like_footnote(body):
        return None
    return body


_INLINE = re.compile(
    r"^(?:исключен[^\W\d_]{0,2}|утратил[^\W\d_]{0,2}\s+силу|алып\s+тасталды|алынып\s+тасталды|күші\s+жойылды)"
    r"(?:\s|$|[.,–—-])",
    re.IGNORECASE,
)


def is_inline_note(text: str) -> bool:
    """A unit's text that is only the record of its exclusion or repeal ("Исключен Указом …")."""
    return _INLINE.match(text) is not None and len(text) < 400


def is_editorial_note(text: str) -> bool:
    return _NOTE.match(text) is not None


def _reads_like_footnote(body: str) -> bool:
    return bool(_kind_hits(body) or find_citations(body) or re.search(r"\bқара(?:ңыз|ныз)", body, re.IGNORECASE))


def _kind_hits(text: str) -> list[_Hit]:
    hits = [_Hit(m.start(), m.end(), kind) for kind, pattern in _KIND_PATTERNS for m in pattern.finditer(text)]
    accepted: list[_Hit] = []
    for hit in hits:
        if not any(hit.start < other.end and other.start < hit.end for other in accepted):
            accepted.append(hit)
    return sorted(accepted, key=lambda h: h.start)


def _unit_kind(word: str) -> str:
    lowered = word.lower()
    return next(kind for kind, stems in _UNIT_WORDS if any(lowered.startswith(s) for s in stems))


def unit_refs(text: str) -> list[tuple[int, str, str | None, str]]:
    """Units a text names: (position, kind, number, words)."""
    found: list[tuple[int, str, str | None, str]] = []
    for match in _RU_UNIT.finditer(text):
        kind = _unit_kind(match.group("word"))
        for num in re.findall(r"\d{1,4}(?:[-.]\d{1,4}){0,3}", match.group("nums")):
            found.append((match.start(), kind, num, match.group(0)))
    for match in _KK_UNIT.finditer(text):
        num = match.group("nums").rstrip(")")
        found.append((match.start(), _unit_kind(match.group("word")), num, match.group(0)))
    for match in _WHOLE_UNIT.finditer(text):
        word = match.group("word").lower()
        kind = "heading" if word.startswith(("заголов", "тақырып")) else "preamble"
        found.append((match.start(), kind, None, match.group(0)))
    return sorted(found, key=lambda f: f[0])


def _mask_groups(text: str, cites: list[CitationMatch]) -> str:
    chars = list(text)
    for cite in cites:
        spans = [(cite.start, cite.end)] + ([cite.qualifier] if cite.qualifier else [])
        for start, end in spans:
            chars[start:end] = " " * (end - start)
    return "".join(chars)


def _dates_around(segment: str) -> tuple[dt.date | None, dt.date | None]:
    """(stated effective date, suspended-until date) in the words of one effect."""
    effective = until = None
    for match in find_dates(segment):
        before = segment[max(0, match.start - 4) : match.start]
        after = segment[match.end : match.end + 10].lower()
        if _UNTIL_DATE.search(before) or after.lstrip().startswith("дейін"):
            until = until or match.date
        elif _FROM_DATE.search(before) or after.lstrip().startswith("бастап"):
            effective = effective or match.date
    return effective, until


def _effect_kind(kind: str, target: str | None, refs: tuple[UnitRef, ...]) -> EffectKind:
    if kind == "repeal":
        return "repeal_act" if target is None and not refs else "repeal_unit"
    return kind  # type: ignore[return-value]


@dataclass(frozen=True)
class _Context:
    target: str | None
    line: int
    language: str
    raw: str


def _effects_for(kinds: list[str], refs: tuple[UnitRef, ...], cite: CitationMatch | None, masked_segment: str,
                 body: str, ctx: _Context) -> list[Effect]:
    acting: Citation | None = cite.citation if cite else None
    rule = None
    if cite is not None and cite.qualifier is not None:
        rule = parse_entry_rule(body[cite.qualifier[0] + 1 : cite.qualifier[1] - 1], acting.date if acting else None)
    stated, until = _dates_around(masked_segment)
    effective = stated or (rule.effective_date if rule else None)
    return [
        Effect(_effect_kind(kind, ctx.target, refs), ctx.target, refs, acting, effective,
               rule.effective_rule if rule else None, rule.earliest_offset_days if rule else None,
               until if kind == "suspend" else None, ctx.raw, ctx.line, ctx.language)
        for kind in kinds
    ]


def _refs_in(refs: list[tuple[int, str, str | None, str]], start: int, end: int, near: str | None,
             resolve: Resolve) -> tuple[UnitRef, ...]:
    return tuple(UnitRef(kind, num, words, resolve(kind, num, near))
                 for pos, kind, num, words in refs if start <= pos < end)


def read_effects(text: str, *, target: str | None, line: int, language: str, resolve: Resolve) -> tuple[Effect, ...]:
    """The effects one footnote states. `target` is the unit it is attached to (None: the whole act);
    `resolve(kind, num, near)` finds a named unit's eId nearest to `near`."""
    body = footnote_body(text) or text
    ctx = _Context(target, line, language, text)
    cites = find_citations(body)
    masked = _mask_groups(body, cites)
    hits = _kind_hits(masked)
    refs = unit_refs(masked)
    effects: list[Effect] = []
    prev_end, prev_kinds = 0, ["note"]
    prev_refs: tuple[UnitRef, ...] = ()
    for i, cite in enumerate(cites):
        next_start = cites[i + 1].start if i + 1 < len(cites) else len(body)
        kinds = list(dict.fromkeys(h.value for h in hits if prev_end <= h.start < cite.start))
        seg_end = cite.start
        if not kinds and i == 0:
            kinds = list(dict.fromkeys(h.value for h in hits if cite.end <= h.start < next_start))
            seg_end = next_start if kinds else seg_end
        named = _refs_in(refs, prev_end, seg_end, target, resolve) or (prev_refs if not kinds else ())
        kinds = kinds or prev_kinds
        effects += _effects_for(kinds, named, cite, masked[prev_end:seg_end], body, ctx)
        prev_end = max(cite.end, cite.qualifier[1] if cite.qualifier else 0)
        prev_kinds, prev_refs = kinds, named
    if not cites:
        kinds = list(dict.fromkeys(h.value for h in hits))
        effects += _effects_for(kinds, _refs_in(refs, 0, len(body), target, resolve), None, masked, body, ctx)
    return tuple(effects)


def effect_target(effects: tuple[Effect, ...], attached: str | None, ancestors: Callable[[str], list[str]]) -> str | None:
    """The unit a footnote belongs to: the one above it, or the ancestor of it that the footnote names."""
    if attached is None:
        return None
    chain = [attached] + ancestors(attached)
    named = {ref.eid for effect in effects for ref in effect.named_units if ref.eid}
    return next((eid for eid in chain if eid in named), attached)
