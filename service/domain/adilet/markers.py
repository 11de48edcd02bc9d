"""What a line or block of an Adilet body is: a heading, a point, a subpoint, an approval stamp, a table
of contents, a signature line — decided from its words, the same way in every layout and language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .acttypes import KK_TYPE, RU_TYPE
from .text import LOWER, UPPER

_HEADING_WORDS = {
    "раздел": "part", "глава": "chapter", "параграф": "subchapter", "статья": "article",
    "бөлім": "part", "тарау": "chapter", "бап": "article",
}
_NUM = r"\d{1,4}(?:-\d{1,4}){0,3}"
_TITLE_TAIL = rf"(?:\s*\.\s*(?P<t1>.*)|\s+(?P<t2>[{UPPER}\"«].*)|\s*)$"
_HEADING_RU = re.compile(rf"^(?P<word>(?i:раздел|глава|параграф|статья))\s+(?P<num>{_NUM}){_TITLE_TAIL}")
_HEADING_KK = re.compile(rf"^(?P<num>{_NUM})\s*-\s*(?P<word>(?i:бөлім|тарау|параграф|бап))(?![^\W\d_]){_TITLE_TAIL}")
_POINT = re.compile(r"^(?P<num>\d{1,4}(?:[-.]\d{1,4}){0,3})\.(?:\s+(?P<text>.*))?$")
_SUBPOINT = re.compile(rf"^(?P<num>{_NUM})\)\s*(?P<text>.*)$")
_TOC = re.compile(r"^(?:содержание|оглавление|мазмұны)\s*:?$", re.IGNORECASE)
_NUMBERING = re.compile(
    rf"^(?:(?i:раздел|глава|параграф|статья)\s+{_NUM}\.?|{_NUM}\s*-\s*(?i:бөлім|тарау|параграф|бап)\.?"
    r"|\d{1,4}(?:[-.]\d{1,4}){0,3}[.)])\s*"
)
_APPROVED_RU = re.compile(r"^(?:УТВЕРЖДЕН[АОЫ]?|Утвержден[аоы]?)(?![^\W\d_])")
_ANNEX_RU = re.compile(r"^Приложение\s*(?:№\s*)?(?P<num>\d{1,3})?\s*к\s+(?:настоящ[^\W\d_]{0,4}\s+)?(?P<to>[^\W\d_]+)", re.IGNORECASE)
_APPROVED_KK = re.compile(r"(?:БЕКІТІЛГЕН|[Бб]екітілген)\s*$")
_ANNEX_KK = re.compile(r"(?P<to>[^\W\d_]+)\s+(?:(?P<num>\d{1,3})\s*-\s*)?қосымша\s*$", re.IGNORECASE)
_DECISION = re.compile(r"решени|распоряжени|шешім|өкім", re.IGNORECASE)
_SIGNER = re.compile(
    r"президент|премьер|министр|председател|аким|руководител|төраға|басшы|әкім|секретар|хатшы", re.IGNORECASE
)
_NAME = re.compile(
    rf"^(?:[{UPPER}]\.\s?){{1,2}}[{UPPER}][{LOWER}{UPPER}-]+$|^[{UPPER}][{LOWER}{UPPER}-]+\s+(?:[{UPPER}]\.\s?){{1,2}}$"
)
MAX_STAMP_CHARS = 400


@dataclass(frozen=True)
class Heading:
    kind: str
    num: str
    title: str


@dataclass(frozen=True)
class Numbered:
    num: str
    text: str


@dataclass(frozen=True)
class Stamp:
    """An approval stamp or "Приложение N к …" block: it opens an annex. `nested`: an annex of an annex."""

    num: str | None
    nested: bool


def heading_of(text: str) -> Heading | None:
    match = _HEADING_RU.match(text) or _HEADING_KK.match(text)
    if match is None:
        return None
    title = (match.group("t1") or match.group("t2") or "").strip()
    return Heading(_HEADING_WORDS[match.group("word").lower()], match.group("num"), title)


def point_of(text: str) -> Numbered | None:
    match = _POINT.match(text)
    return Numbered(match.group("num"), (match.group("text") or "").strip()) if match else None


def subpoint_of(text: str) -> Numbered | None:
    match = _SUBPOINT.match(text)
    return Numbered(match.group("num"), match.group("text").strip()) if match else None


def is_toc_header(text: str) -> bool:
    return _TOC.match(text) is not None


def without_numbering(text: str) -> str:
    """A heading or entry without its number ("Глава 1. Введение" → "введение"), for comparing."""
    return _NUMBERING.sub("", text).strip(" .").lower()


def _names_act(word: str) -> bool:
    return bool(RU_TYPE.fullmatch(word) or KK_TYPE.fullmatch(word) or _DECISION.match(word))


def stamp_of(lines: list[str]) -> Stamp | None:
    """The stamp a block is, when it is one: "УТВЕРЖДЕНА Указом …", "… Жарлығымен БЕКІТІЛГЕН",
    "Приложение 2 к приказу …", "… бұйрығына 2-қосымша"."""
    text = " ".join(lines)
    if not lines or len(lines) > 10 or len(text) > MAX_STAMP_CHARS:
        return None
    if _APPROVED_RU.match(text) and (RU_TYPE.search(text) or _DECISION.search(text)):
        return Stamp(None, False)
    annex = _ANNEX_RU.match(text)
    if annex is not None:
        return Stamp(annex.group("num"), not _names_act(annex.group("to")))
    if _APPROVED_KK.search(text) and (KK_TYPE.search(text) or _DECISION.search(text)):
        return Stamp(None, False)
    annex = _ANNEX_KK.search(text)
    if annex is not None and len(text) < 300:
        return Stamp(annex.group("num"), not _names_act(annex.group("to")))
    return None


def signature_like(text: str) -> bool:
    """A line that could belong to a signature block: short, no sentence end, not numbered."""
    if len(text) > 80 or point_of(text) or subpoint_of(text) or heading_of(text):
        return False
    return not text.endswith((".", ";", ":", ",")) or _NAME.match(text) is not None


def names_signer(text: str) -> bool:
    return _SIGNER.search(text) is not None or _NAME.match(text) is not None
