"""A law file: YAML front matter between `---` lines, then the Markdown body.

Dates are kept only when the source states them: an absent or empty date field is unknown (None) and is
never replaced by another date; a value that is not a calendar date is refused, naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

import yaml

from service.domain.dates import parse_date
from service.domain.errors import Invalid
from service.legalize.errors import LegalizeError

STATUSES = ("in_force", "repealed", "partially_repealed", "annulled", "expired")
TEXT_STATES = ("point_in_time", "current", "as_enacted")
_OPEN = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it: the same result
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def split_document(text: str) -> tuple[dict[str, Any] | None, str]:
    """The front matter (None when the file has none) and the body after it."""
    opening = _OPEN.match(text)
    if opening is None:
        return None, text
    closing = _CLOSE.search(text, opening.end())
    if closing is None:
        raise LegalizeError("the front matter opened with --- is never closed")
    try:
        front = yaml.load(text[opening.end():closing.start()], Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise LegalizeError(f"the front matter is not valid YAML: {exc}") from None
    if front is None:
        front = {}
    if not isinstance(front, dict):
        raise LegalizeError("the front matter must be a YAML mapping")
    return {str(k): v for k, v in front.items()}, text[closing.end():]


def _text(front: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = front.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LegalizeError(f"front matter has no {key}")
        return None
    if isinstance(value, dict | list):
        raise LegalizeError(f"front matter {key} must be a string")
    text = str(value).strip()
    if _CONTROL.search(text):
        raise LegalizeError(f"front matter {key} contains control characters")
    return text


def front_date(front: Mapping[str, Any], key: str) -> date | None:
    """A date field: absent or empty is unknown; anything but a calendar date is refused."""
    value = front.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        raise LegalizeError(f"front matter {key} is a timestamp, not a calendar date: {value!r}")
    if isinstance(value, date):
        return value
    try:
        return parse_date(str(value).strip(), field=key)
    except Invalid as exc:
        raise LegalizeError(f"front matter {exc.detail}") from None


def _identifiers(front: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = front.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) and str(v).strip() for v in value):
        raise LegalizeError(f"front matter {key} must be a list of identifiers")
    return tuple(str(v).strip() for v in value)


@dataclass(frozen=True)
class LawMeta:
    """The fields of a law's front matter that Lextime reads; `raw` keeps every field, extras included."""

    identifier: str
    country: str
    title: str | None
    rank: str | None
    publication_date: date | None
    last_updated: date | None
    status: str | None
    source: str | None
    jurisdiction: str | None
    text_state: str
    last_amendment: str | None
    amends: tuple[str, ...]
    date_precision: str | None
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), compare=False, repr=False)

    @property
    def directory(self) -> str:
        return self.jurisdiction or self.country


def law_meta(front: Mapping[str, Any]) -> LawMeta:
    """The typed front matter of a law file, or LegalizeError naming what is wrong."""
    status = _text(front, "status")
    if status is not None and status not in STATUSES:
        raise LegalizeError(f"front matter status {status!r} is not one of {', '.join(STATUSES)}")
    text_state = _text(front, "text_state") or "point_in_time"
    if text_state not in TEXT_STATES:
        raise LegalizeError(f"front matter text_state {text_state!r} is not one of {', '.join(TEXT_STATES)}")
    country = _text(front, "country", required=True)
    assert country is not None
    identifier = _text(front, "identifier", required=True)
    assert identifier is not None
    return LawMeta(
        identifier=identifier, country=country.lower(), title=_text(front, "title"), rank=_text(front, "rank"),
        publication_date=front_date(front, "publication_date"), last_updated=front_date(front, "last_updated"),
        status=status, source=_text(front, "source"),
        jurisdiction=(_text(front, "jurisdiction") or "").lower() or None, text_state=text_state,
        last_amendment=_text(front, "last_amendment"), amends=_identifiers(front, "amends"),
        date_precision=_text(front, "date_precision"), raw=MappingProxyType(dict(front)),
    )


def render_front_matter(front: Mapping[str, Any]) -> str:
    """The front matter block, `---` lines included; dates are written as quoted ISO strings."""
    plain = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in front.items()}
    body = yaml.safe_dump(plain, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=2**31 - 1)
    return f"---\n{body}---\n"


def render_document(front: Mapping[str, Any], body: str) -> str:
    """A law file: front matter, then the body, ending with one newline when there is a body."""
    return render_front_matter(front) + (body + "\n" if body else "")
