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
