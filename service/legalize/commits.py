"""Commit messages of a legalize repository: `[type] Title — articles affected`, a description, and the
trailers `Source-Id` (the amending or source act), `Source-Date` (the legal date), `Norm-Id` (the law).

Older repositories keep the Spanish types of spec v0.1 (`[reforma]`, `[nueva]`, `[derogacion]`,
`[correccion]`); they are read as their English names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from service.domain.dates import parse_date
from service.domain.errors import Invalid


class CommitType(StrEnum):
    BOOTSTRAP = "bootstrap"
    NEW = "new"
    REFORM = "reform"
    REPEAL = "repeal"
    CORRECTION = "correction"
    FIX_PIPELINE = "fix-pipeline"

    @property
    def opens_version(self) -> bool:
        """A bootstrap, new, reform or repeal commit starts a legal version; corrections amend the last one."""
        return self in (CommitType.BOOTSTRAP, CommitType.NEW, CommitType.REFORM, CommitType.REPEAL)


_TYPES = {
    **{t.value: t for t in CommitType},
    "nueva": CommitType.NEW, "reforma": CommitType.REFORM, "derogacion": CommitType.REPEAL,
    "derogación": CommitType.REPEAL, "correccion": CommitType.CORRECTION, "corrección": CommitType.CORRECTION,
}
_SUBJECT = re.compile(r"\[(?P<type>[^\]\n]{1,40})\][ \t]*(?P<rest>.*)")
_TRAILER = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9-]*):[ \t]*(?P<value>.*)")
_ARTICLES = re.compile(r"\b(?:arts?\.|art[íi]culos?)\s+(?P<list>.+)$", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*,\s*|\s+(?:y|and)\s+(?=[0-9])")
DASH = " — "


@dataclass(frozen=True, slots=True)  # slots: a walk keeps the messages of every version not yet final
class CommitMessage:
    kind: CommitType | None  # None: the subject names no type Lextime knows
    raw_type: str | None
    title: str
    affected: str | None  # what the subject says the commit changed ("arts. 7, 23", "versión original 1993")
    description: str
    source_id: str | None
    source_date: date | None
    source_date_error: str | None  # a Source-Date that is not a calendar date: unknown, with the reason
    norm_id: str | None
    trailer_lines: str  # the trailers, a `Key: value` line each: one string (a walk keeps many messages)

    @property
    def trailers(self) -> tuple[tuple[str, str], ...]:
        return tuple((key, value) for key, _, value in (line.partition(": ") for line in self.trailer_lines.split("\n"))
                     if key)

    @property
    def subject(self) -> str:
        head = f"[{self.raw_type}] " if self.raw_type else ""
        return head + self.title + (DASH + self.affected if self.affected else "")

    def trailer(self, key: str) -> str | None:
        wanted = key.lower()
        return next((v for k, v in reversed(self.trailers) if k.lower() == wanted), None)


def _paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")) if p.strip()]


def _trailers(paragraph: str) -> tuple[tuple[str, str], ...] | None:
    lines = [line for line in paragraph.split("\n") if line.strip()]
    found = [_TRAILER.fullmatch(line.strip()) for line in lines]
    if not lines or not all(found):
        return None
    return tuple((m.group("key"), m.group("value").strip()) for m in found if m)


def parse_message(text: str) -> CommitMessage:
    """A commit message as the spec writes it; anything it cannot read is kept as text, never guessed."""
    paragraphs = _paragraphs(text)
    subject = paragraphs[0].split("\n")[0].strip() if paragraphs else ""
    rest_of_first = paragraphs[0].split("\n", 1)[1:] if paragraphs else []
    body = [*(p for p in rest_of_first if p.strip()), *paragraphs[1:]]
    trailers: tuple[tuple[str, str], ...] = ()
    if body and (found := _trailers(body[-1])) is not None:
        trailers, body = found, body[:-1]
    m = _SUBJECT.fullmatch(subject)
    raw_type = m.group("type").strip() if m else None
    rest = m.group("rest").strip() if m else subject
    title, _, affected = rest.rpartition(DASH) if DASH in rest else (rest, "", "")
    message = CommitMessage(
        kind=_TYPES.get(raw_type.lower()) if raw_type else None, raw_type=raw_type, title=title.strip(),
        affected=affected.strip() or None, description="\n\n".join(body).strip(), source_id=None,
        source_date=None, source_date_error=None, norm_id=None,
        trailer_lines="\n".join(f"{key}: {value}" for key, value in trailers),
    )
    source_date, error = _source_date(message.trailer("Source-Date"))
    return replace(message, source_id=message.trailer("Source-Id") or None, source_date=source_date,
                   source_date_error=error, norm_id=message.trailer("Norm-Id") or None)


def _source_date(value: str | None) -> tuple[date | None, str | None]:
    if not value:
        return None, None
    try:
        return parse_date(value.strip(), field="Source-Date"), None
    except Invalid as exc:
        return None, exc.detail


def format_message(
    kind: CommitType, title: str, *, affected: str | None = None, description: str = "",
    source_id: str | None = None, source_date: date | None = None, norm_id: str | None = None,
    extra_trailers: tuple[tuple[str, str], ...] = (),
) -> str:
    """A commit message in the spec's form; a trailer without a value is left out, never filled in."""
    one_line = " ".join(title.split())
    subject = f"[{kind.value}] {one_line}" + (DASH + " ".join(affected.split()) if affected else "")
    trailers = [("Source-Id", source_id), ("Source-Date", source_date.isoformat() if source_date else None),
                ("Norm-Id", norm_id), *extra_trailers]
    lines = [f"{k}: {' '.join(v.split())}" for k, v in trailers if v]
    parts = [subject, description.strip(), "\n".join(lines)]
    return "\n\n".join(p for p in parts if p) + "\n"


def affected_articles(message: CommitMessage) -> tuple[str, ...]:
    """The articles the subject says a commit changed ("arts. 7, 23" → ("7", "23")); () when it names none."""
    for text in (message.affected or "", message.title):
        m = _ARTICLES.search(text)
        if m:
            return tuple(item.strip(" .") for item in _LIST_SPLIT.split(m.group("list")) if item.strip(" ."))
    return ()
