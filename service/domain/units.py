"""Units of an expression: identifiers, plain text split into units, normalised and hashed texts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from service.domain.errors import Invalid
from service.domain.model import Unit
from service.domain.texts import normalise_text, text_sha256

# AKN-style ids: components like `chp_4`, `point_14-1`, `att_1`, joined by `__`.
EID = re.compile(r"^[a-z][a-z0-9]*(_[0-9A-Za-z][0-9A-Za-z.\-]*)?(__[a-z][a-z0-9]*(_[0-9A-Za-z][0-9A-Za-z.\-]*)?)*$")
UNIT_KINDS = (
    "part", "section", "chapter", "subchapter", "article", "point", "subpoint", "paragraph", "annex",
    "preamble", "signature", "toc", "title", "clause", "item", "list", "table", "note", "other",
)


def check_eid(value: str, *, field: str) -> str:
    if len(value) > 300 or not EID.fullmatch(value):  # fullmatch: `$` would let a final newline through
        raise Invalid(f"{field} {value!r} is not an AKN-style id such as 'chp_4__point_14-1'", field=field)
    return value


def units_from_plain_text(text: str) -> list[Unit]:
    """Plain text stored as units: each paragraph (blank-line separated) a positional `para_N`."""
    blocks = [b for b in re.split(r"\n\s*\n", normalise_text(text)) if b.strip()]
    return [
        Unit(eid=f"para_{i}", wid=f"para_{i}", kind="paragraph", num=None, heading=None, text=b,
             text_available=True)
        for i, b in enumerate(blocks, start=1)
    ]


def with_hashes(units: Iterable[Unit]) -> list[Unit]:
    """Units with normalised text and its sha256; a unit without text keeps `text_available: False`."""
    out = []
    for u in units:
        if u.text_available and u.text is not None:
            body = normalise_text(u.text)
            out.append(replace(u, text=body, sha256=text_sha256(body)))
        else:
            out.append(replace(u, text=None, sha256=None, text_available=False))
    return out


def check_unique(units: list[Unit], *, where: str) -> None:
    for attr in ("eid", "wid"):
        seen: set[str] = set()
        for u in units:
            value = getattr(u, attr)
            if value in seen:
                raise Invalid(f"{where}: {attr} {value!r} occurs twice", field=where)
            seen.add(value)


def completeness(expressions: dict[str, list[Unit]]) -> str:
    """full: every unit of every language has text; none: no unit has; partial: in between."""
    units = [u for us in expressions.values() for u in us]
    with_text = sum(1 for u in units if u.text_available)
    if units and with_text == len(units) and all(expressions.values()):
        return "full"
    return "none" if with_text == 0 else "partial"


# Kazakhstan's hierarchy on AKN elements (docs/units.md): the eId component each unit kind takes.
EID_PREFIXES: dict[str, str] = {
    "part": "part", "section": "sec", "chapter": "chp", "subchapter": "subchp", "article": "art",
    "point": "point", "subpoint": "subpoint", "paragraph": "para", "annex": "att", "clause": "clause",
    "item": "item", "list": "list", "table": "table", "note": "note", "preamble": "preamble",
    "signature": "signature", "toc": "toc", "title": "title", "other": "other",
}
# Cyrillic numbering letters (подпункт "а)", "б)") in Latin, as eIds are ASCII.
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "h", "c", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya", "ae", "gh", "q", "ng", "oe", "u", "ue",
     "hh", "i"], strict=True))
_NUM_TRIM = re.compile(r"^[\s(№]+|[\s.)]+$")


def eid_number(num: str) -> str:
    """The numbering as printed (`14-1`, `3-1)`, `IV.`, `а)`) as an eId number (`14-1`, `3-1`, `IV`, `a`)."""
    core = _NUM_TRIM.sub("", normalise_text(num))
    out = "".join(_CYRILLIC.get(ch.lower(), ch) if not ch.isascii() else ch for ch in core)
    if not out or not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.\-]*", out):
        raise Invalid(f"the number {num!r} cannot be written in an eId: give the eId explicitly", field="num")
    return out


def eid_from_numbering(kind: str, num: str | None, parent: str | None = None) -> str:
    """The AKN-style eId of a unit from its kind and numbering, nested in `parent`'s eId when given:
    ("subpoint", "7", "chp_4__subchp_3") → `chp_4__subchp_3__subpoint_7`; ("point", "14-1") → `point_14-1`."""
    prefix = EID_PREFIXES.get(kind)
    if prefix is None:
        raise Invalid(f"no eId prefix for kind {kind!r}", field="kind")
    own = prefix if num is None else f"{prefix}_{eid_number(num)}"
    return check_eid(f"{parent}__{own}" if parent else own, field="eId")


def text_of(units: Iterable[Unit]) -> str | None:
    """The expression's text: the units that have text, in order, each after its recorded line breaks (a
    blank line where none is recorded); None when no unit has text."""
    parts: list[str] = []
    for u in units:
        if not (u.text_available and u.text):
            continue
        if parts:
            parts.append("\n" * (u.breaks if u.breaks is not None and u.breaks > 0 else 2))
        parts.append(u.text)
    return "".join(parts) if parts else None
